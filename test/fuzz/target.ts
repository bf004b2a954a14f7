// The service under fuzzing: the real app (startServer) on 127.0.0.1 only, an ephemeral port and a
// fresh temporary sqlite database, with the development seed (its demo OIDC client) and one SAML
// service provider registered with its own signing key, so that signed messages reach the checks
// behind the signature. The purge job is off, so row counts change only through requests.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { loadConfig } from '../../config/index.ts';
import { addOrganisation } from '../../src/admin/organisations.ts';
import { addSamlWebdienst } from '../../src/admin/saml-webdiensten.ts';
import { systemClock } from '../../src/core/clock.ts';
import { selfSignedCertificate } from '../../src/frontends/saml/certificate.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { createServices } from '../../src/services.ts';
import { openDatabase } from '../../src/stores/database.ts';

/** Tables a refused request must leave alone (audit_events is counted apart: refusals are audited). */
export const watchedTables = [
  'citizens',
  'organisations',
  'webdiensten',
  'login_attempts',
  'one_time_codes',
  'oidc_payloads',
  'saml_requests',
  'saml_artifacts',
  'sso_sessions',
  'sso_participants',
  'account_sessions',
  'throttles',
  'sms_outbox',
  'instance_secrets',
  'signing_keys',
  'maintenance_mode',
  'status_disruptions',
] as const;

export interface FuzzSp {
  entityId: string;
  key: KeyObject;
  certificate: string;
  artifactAcs: string;
  postAcs: string;
}

export interface FuzzTarget {
  url: string;
  port: number;
  sp: FuzzSp;
  oidc: {
    clientId: string;
    redirectUri: string;
    endpoints: Record<string, string>;
  };
  /** The time the cases are made at (IssueInstant); replaced in tests to make the same case twice. */
  now: () => number;
  /** Log lines at level error or worse (a request that failed inside, whatever its status). */
  errorLogs: string[];
  countRows(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const pemBody = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');

function spMetadata(sp: FuzzSp): string {
  const md = 'urn:oasis:names:tc:SAML:2.0:metadata';
  const ds = 'http://www.w3.org/2000/09/xmldsig#';
  return (
    `<md:EntityDescriptor xmlns:md="${md}" xmlns:ds="${ds}" entityID="${sp.entityId}">` +
    `<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" AuthnRequestsSigned="true">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${pemBody(sp.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://sp.fuzz.example.nl/slo"/>` +
    `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" Location="${sp.artifactAcs}" index="0" isDefault="true"/>` +
    `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${sp.postAcs}" index="1"/>` +
    `</md:SPSSODescriptor></md:EntityDescriptor>`
  );
}

export async function startFuzzTarget(): Promise<FuzzTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'poortwachter-fuzz-'));
  const databaseUrl = `sqlite:${join(dir, 'fuzz.sqlite')}`;
  const port = await freeLoopbackPort();
  const config = loadConfig(
    { POORTWACHTER_ENV: 'development' },
    {
      port,
      publicUrl: `http://127.0.0.1:${port}`,
      databaseUrl,
      logLevel: 'warn',
      housekeeping: { intervalSeconds: 0 },
    },
  );
  const errorLogs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean))
        if ((JSON.parse(line) as { level: number }).level >= 50) errorLogs.push(line);
      done();
    },
  });
  const server: RunningServer = await startServer(config, { logger: createLogger(config, sink), host: '127.0.0.1' });

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sp: FuzzSp = {
    entityId: `https://sp-${randomBytes(4).toString('hex')}.fuzz.example.nl/saml`,
    key: privateKey,
    certificate: selfSignedCertificate(privateKey, 'fuzz SP', Date.now()),
    artifactAcs: 'https://sp.fuzz.example.nl/acs/artifact',
    postAcs: 'https://sp.fuzz.example.nl/acs/post',
  };
  const { adminDeps } = createServices(config, server.store, systemClock);
  const oin = '00000009001234567000';
  await addOrganisation(adminDeps, { name: 'Fuzz organisatie', oin, bsnEntitled: true });
  await addSamlWebdienst(
    { ...adminDeps, environment: 'development' },
    { organisationOin: oin, name: 'Fuzz SP', metadataXml: spMetadata(sp), responseBinding: 'artifact' },
  );

  const discovery = (await (await fetch(`${config.publicUrl}/.well-known/openid-configuration`)).json()) as Record<
    string,
    unknown
  >;
  const endpoints = Object.fromEntries(
    Object.entries(discovery).filter(
      (entry): entry is [string, string] => entry[0].endsWith('_endpoint') || entry[0] === 'jwks_uri',
    ),
  );

  const db = openDatabase(databaseUrl);
  return {
    url: config.publicUrl,
    port,
    sp,
    oidc: { clientId: config.demo.clientId, redirectUri: `${config.publicUrl}/demo/callback`, endpoints },
    now: Date.now,
    errorLogs,
    async countRows() {
      const counts: Record<string, number> = {};
      for (const table of [...watchedTables, 'audit_events']) {
        const [row] = (await db(table).count({ count: '*' })) as [{ count: number | string }];
        counts[table] = Number(row.count);
      }
      return counts;
    },
    async stop() {
      await db.destroy();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
