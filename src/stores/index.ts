// The one door to the database: every other folder gets a Store and never sees knex.
import { accountSessionStore } from './account-sessions.ts';
import { auditEventStore } from './audit-events.ts';
import { citizenStore } from './citizens.ts';
import { connectionObservationStore } from './connection-observations.ts';
import { migrateToLatest, openDatabase, pendingMigrations, type Database } from './database.ts';
import { housekeepingStore } from './housekeeping.ts';
import { instanceKeyStore } from './instance-keys.ts';
import { letterOutboxStore } from './letter-outbox.ts';
import { accountRequestStore } from './account-requests.ts';
import { letterCodeStore } from './letter-codes.ts';
import { citizenContactStore } from './citizen-contacts.ts';
import { pendingAppLinkStore } from './pending-app-links.ts';
import { loginAttemptStore } from './login-attempts.ts';
import { maintenanceModeStore } from './maintenance-mode.ts';
import { oidcPayloadStore } from './oidc-payloads.ts';
import { oneTimeCodeStore } from './one-time-codes.ts';
import { organisationStore } from './organisations.ts';
import { samlStore } from './saml.ts';
import { samlMetadataSourceStore } from './saml-metadata-sources.ts';
import { smsOutboxStore } from './sms-outbox.ts';
import { statusDisruptionStore } from './status-disruptions.ts';
import { testDataStore } from './test-data.ts';
import { countStatements, watchStatements, type StatementCounts, type StatementKind } from './statement-counter.ts';
import { ssoSessionStore } from './sso-sessions.ts';
import { throttleStore } from './throttles.ts';
import { webdienstStore } from './webdiensten.ts';
import { organisationContactStore } from './organisation-contacts.ts';
import { contactMailStore } from './contact-mails.ts';
import { operatorStore } from './operators.ts';

export type * from './rows.ts';
export { accountWebdienstClientId, builtInOrganisationOin } from './built-in.ts';
export { isDatabaseUnavailable } from './unavailable.ts';
export type { StoredOidcPayload } from './oidc-payloads.ts';
export type { SmsOutboxRow } from './sms-outbox.ts';
export type { OneTimeCodeRow } from './one-time-codes.ts';
export type { SamlArtifactRow, SamlRequestRow } from './saml.ts';
export type { SamlMetadataSourceRow, SamlMetadataSuccess } from './saml-metadata-sources.ts';
export type { MaintenanceModeRow } from './maintenance-mode.ts';
export type { StatusDisruptionRow } from './status-disruptions.ts';
export type { SsoSessionExpiry } from './housekeeping.ts';
export type { TestDataRows } from './test-data.ts';
export type { ConnectionObservationRow } from './connection-observations.ts';
export type { PendingAppLinkRow } from './pending-app-links.ts';
export type { LetterOutboxRow } from './letter-outbox.ts';
export type { AccountRequestRow, AccountRequestStatus } from './account-requests.ts';
export type { LetterCodePurpose, LetterCodeRow } from './letter-codes.ts';
export type { CitizenContactRow } from './citizen-contacts.ts';
export type { ContactRole, OrganisationContactRow } from './organisation-contacts.ts';
export type { CertificateExpiryWarningRow, ContactMailKind, ContactMailRow, NewContactMail } from './contact-mails.ts';
export type { AuditChainHead, AuditChainLink, ChainedAuditEventRow } from './audit-events.ts';
export { chainHash, genesisHash } from './audit-chain.ts';
export type { OperatorRow, OperatorSessionRow } from './operators.ts';
export { statementKinds, type StatementCounts, type StatementKind } from './statement-counter.ts';

function repositories(db: Database) {
  return {
    ...citizenStore(db),
    ...organisationStore(db),
    ...webdienstStore(db),
    ...auditEventStore(db),
    ...throttleStore(db),
    ...loginAttemptStore(db),
    ...oidcPayloadStore(db),
    ...oneTimeCodeStore(db),
    ...instanceKeyStore(db),
    ...smsOutboxStore(db),
    ...accountSessionStore(db),
    ...samlStore(db),
    ...samlMetadataSourceStore(db),
    ...ssoSessionStore(db),
    ...maintenanceModeStore(db),
    ...statusDisruptionStore(db),
    ...housekeepingStore(db),
    ...testDataStore(db),
    ...connectionObservationStore(db),
    ...letterOutboxStore(db),
    ...accountRequestStore(db),
    ...letterCodeStore(db),
    ...citizenContactStore(db),
    ...pendingAppLinkStore(db),
    ...organisationContactStore(db),
    ...contactMailStore(db),
    ...operatorStore(db),
  };
}

export type Repositories = ReturnType<typeof repositories>;

export interface Store extends Repositories {
  readonly kind: 'sqlite' | 'postgres';
  migrate(): Promise<string[]>;
  pendingMigrations(): Promise<string[]>;
  ping(): Promise<void>;
  /** Connections of the pool in use, idle, and requests waiting for one (the /metrics gauges). */
  poolUse(): { used: number; free: number; waiting: number; max: number };
  /** SQL statements sent since the store was opened, by kind (the bench and /metrics). */
  statements(): StatementCounts;
  /** Hands the SQL of every statement to listener until the returned function is called (bench/trace-statements.ts). */
  watchStatements(listener: (sql: string, kind: StatementKind, bindings: readonly unknown[]) => void): () => void;
  /** Runs fn with repositories bound to one transaction: all or nothing. */
  inTransaction<T>(fn: (store: Repositories) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** What poolUse reads of knex's connection pool. */
interface PoolCounts {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  max: number;
}

export function openStore(databaseUrl: string, options: { poolSize?: number } = {}): Store {
  const db = openDatabase(databaseUrl, options);
  const statements = countStatements(db);
  return {
    kind: databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres',
    ...repositories(db),
    migrate: () => migrateToLatest(db),
    pendingMigrations: () => pendingMigrations(db),
    ping: async () => {
      await db.raw('select 1');
    },
    poolUse: () => {
      // knex types its client as any; the pool is knex's own, and gone once the store is closed.
      const pool = (db.client as { pool?: PoolCounts }).pool;
      return pool
        ? { used: pool.numUsed(), free: pool.numFree(), waiting: pool.numPendingAcquires(), max: pool.max }
        : { used: 0, free: 0, waiting: 0, max: 0 };
    },
    statements,
    watchStatements: (listener) => watchStatements(db, listener),
    inTransaction: (fn) => db.transaction((trx) => fn(repositories(trx))),
    close: () => db.destroy(),
  };
}
