import { accountWebdienstClientId } from './built-in.ts';
import type { Database } from './database.ts';
import { toOrganisationRow } from './organisations.ts';
import type { WebdienstProtocol, WebdienstRow, WebdienstWithOrganisation } from './rows.ts';

interface WebdienstRecord {
  id: string;
  organisation_id: string;
  name: string;
  protocol: WebdienstProtocol;
  client_id: string;
  minimum_level: string;
  federation: string | null;
  protocol_metadata: string;
  test_data?: boolean | number;
  created_at: number;
  suspended_at?: number | string | null;
  removed_at?: number | string | null;
}

export interface WebdienstChanges {
  name?: string;
  minimumLevel?: string;
  federation?: string | null;
  protocolMetadata?: Record<string, unknown>;
}

const timeOrNull = (value: number | string | null | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);

const joinedColumns = [
  'w.*',
  'o.oin as o_oin',
  'o.name as o_name',
  'o.public_task as o_public_task',
  'o.bsn_entitled as o_bsn_entitled',
  'o.created_at as o_created_at',
  'o.bsn_legal_basis as o_bsn_legal_basis',
  'o.suspended_at as o_suspended_at',
];

type JoinedRecord = WebdienstRecord & {
  o_oin: string;
  o_name: string;
  o_public_task: string;
  o_bsn_entitled: boolean | number;
  o_created_at: number;
  o_bsn_legal_basis: string | null;
  o_suspended_at: number | string | null;
};

function toRow(record: JoinedRecord): WebdienstWithOrganisation {
  return {
    id: record.id,
    organisationId: record.organisation_id,
    name: record.name,
    protocol: record.protocol,
    clientId: record.client_id,
    minimumLevel: record.minimum_level,
    federation: record.federation,
    protocolMetadata: JSON.parse(record.protocol_metadata) as Record<string, unknown>,
    createdAt: Number(record.created_at),
    suspendedAt: timeOrNull(record.suspended_at),
    removedAt: timeOrNull(record.removed_at),
    organisation: toOrganisationRow({
      id: record.organisation_id,
      oin: record.o_oin,
      name: record.o_name,
      public_task: record.o_public_task,
      bsn_entitled: record.o_bsn_entitled,
      created_at: record.o_created_at,
      bsn_legal_basis: record.o_bsn_legal_basis,
      suspended_at: record.o_suspended_at,
    }),
  };
}

/**
 * Webdiensten are read several times per login (client lookup, claims, level, login page) and change
 * rarely, so this process keeps what it found for a few seconds. Registering in this process clears
 * it; a change made by another process is seen within cacheMs. Misses are never cached, so a
 * webdienst registered elsewhere works at once.
 */
const cacheMs = 5000;

export function webdienstStore(db: Database) {
  // Removed webdiensten stay in the table for the audit trail, and are never found.
  const joined = () =>
    db('webdiensten as w')
      .join('organisations as o', 'o.id', 'w.organisation_id')
      .select(joinedColumns)
      .whereNull('w.removed_at');
  const cache = new Map<string, { row: WebdienstWithOrganisation; until: number }>();
  async function cached(
    key: string,
    load: () => Promise<JoinedRecord | undefined>,
  ): Promise<WebdienstWithOrganisation | undefined> {
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.row;
    const record = await load();
    if (!record) return undefined;
    const row = toRow(record);
    if (cache.size > 1000) cache.clear();
    cache.set(key, { row, until: Date.now() + cacheMs });
    return row;
  }
  return {
    /** testData marks a webdienst of the development seed (a production start refuses it). */
    async insertWebdienst(webdienst: WebdienstRow, options: { testData?: boolean } = {}): Promise<void> {
      await db<WebdienstRecord>('webdiensten').insert({
        id: webdienst.id,
        organisation_id: webdienst.organisationId,
        name: webdienst.name,
        protocol: webdienst.protocol,
        client_id: webdienst.clientId,
        minimum_level: webdienst.minimumLevel,
        federation: webdienst.federation,
        protocol_metadata: JSON.stringify(webdienst.protocolMetadata),
        test_data: options.testData ?? false,
        created_at: webdienst.createdAt,
      });
      cache.clear();
    },
    /** Replaces a webdienst's protocol metadata (SAML: `webdienst update-saml`); false when it does not exist. */
    async updateWebdienstProtocolMetadata(id: string, protocolMetadata: Record<string, unknown>): Promise<boolean> {
      const updated = await db<WebdienstRecord>('webdiensten')
        .where({ id })
        .update({ protocol_metadata: JSON.stringify(protocolMetadata) });
      cache.clear();
      return updated === 1;
    },
    /** Changes what is given; false when the webdienst does not exist (or was removed). */
    async updateWebdienst(id: string, changes: WebdienstChanges): Promise<boolean> {
      const update: Partial<WebdienstRecord> = {};
      if (changes.name !== undefined) update.name = changes.name;
      if (changes.minimumLevel !== undefined) update.minimum_level = changes.minimumLevel;
      if (changes.federation !== undefined) update.federation = changes.federation;
      if (changes.protocolMetadata !== undefined) update.protocol_metadata = JSON.stringify(changes.protocolMetadata);
      const updated = await db<WebdienstRecord>('webdiensten').where({ id }).whereNull('removed_at').update(update);
      cache.clear();
      return updated === 1;
    },
    /** Suspends (a time) or resumes (null); false when the webdienst does not exist (or was removed). */
    async setWebdienstSuspended(id: string, at: number | null): Promise<boolean> {
      const updated = await db<WebdienstRecord>('webdiensten')
        .where({ id })
        .whereNull('removed_at')
        .update({ suspended_at: at });
      cache.clear();
      return updated === 1;
    },
    /**
     * Removes a webdienst: the row stays (audit events, SSO history point at it) under a client_id that
     * cannot be asked for, so its client_id or entityID can be registered again.
     */
    async removeWebdienst(id: string, at: number): Promise<boolean> {
      const updated = await db<WebdienstRecord>('webdiensten')
        .where({ id })
        .whereNull('removed_at')
        .update({ removed_at: at, client_id: `removed:${id}` });
      cache.clear();
      return updated === 1;
    },
    /** Forgets what this process cached, after a change of an organisation the rows carry. */
    forgetCachedWebdiensten(): void {
      cache.clear();
    },
    findWebdienstByClientId(clientId: string): Promise<WebdienstWithOrganisation | undefined> {
      return cached(`client:${clientId}`, () => joined().where('w.client_id', clientId).first());
    },
    findWebdienstById(id: string): Promise<WebdienstWithOrganisation | undefined> {
      return cached(`id:${id}`, () => joined().where('w.id', id).first());
    },
    /** The connected webdiensten (`webdienst list`): not the built-in account pages. */
    async listWebdiensten(): Promise<WebdienstWithOrganisation[]> {
      return (
        (await joined()
          .whereNot('w.client_id', accountWebdienstClientId)
          .orderBy(['o.name', 'w.name'])) as JoinedRecord[]
      ).map(toRow);
    },
  };
}
export type WebdienstStore = ReturnType<typeof webdienstStore>;
