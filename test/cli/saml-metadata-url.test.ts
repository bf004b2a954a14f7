// `poortwachter webdienst add-saml --metadata-url ... --metadata-signing-cert FILE`, `webdienst show`,
// `webdienst list --json` and `webdienst refresh-metadata` as an operator runs them: a separate process
// on a database of its own; the refresh state (last success, last error, next attempt) is what the
// database holds, so every process and the command line see the same.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runCliOn } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { MetadataServer, metadataId, signMetadata } from '../support/metadata-server.ts';
import { uniqueOin } from '../support/relying-party.ts';
import { bindings, newKey, ns } from '../frontends/saml/test-sp.ts';

const body = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');
const federationKey = newKey();
const spKey = newKey();
const entityId = 'https://cli-metadata.example.nl/saml';

function signedMetadata(key = federationKey): string {
  return signMetadata(
    `<md:EntityDescriptor xmlns:md="${ns.md}" xmlns:ds="${ns.ds}" ID="${metadataId()}" entityID="${entityId}" validUntil="${new Date(Date.now() + 48 * 3600_000).toISOString()}" cacheDuration="PT12H">` +
      `<md:SPSSODescriptor protocolSupportEnumeration="${ns.samlp}" AuthnRequestsSigned="true">` +
      `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${body(spKey.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
      `<md:AssertionConsumerService Binding="${bindings.artifact}" Location="https://cli-metadata.example.nl/saml/artifact" index="0"/>` +
      `</md:SPSSODescriptor></md:EntityDescriptor>`,
    key,
  );
}

describe('command line: SAML metadata by URL (add-saml --metadata-url, show, list, refresh-metadata)', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let metadataServer: MetadataServer;
  let directory: string;
  let certificateFile: string;
  const oin = uniqueOin();
  const run = async (...args: string[]) => {
    const { code, stdout, stderr } = await runCliOn(database.url, [...args, '--json']);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(stdout) as Record<string, unknown>;
    } catch {
      json = { stdout };
    }
    return { code, json, stderr };
  };

  before(async () => {
    database = await createTestDatabase('sqlite');
    metadataServer = await new MetadataServer().start();
    directory = mkdtempSync(join(tmpdir(), 'poortwachter-metadata-'));
    certificateFile = join(directory, 'metadata-signing.pem');
    writeFileSync(certificateFile, federationKey.certificate);
    expect((await run('organisation', 'add', '--name', 'Gemeente CLI', '--oin', oin)).code).to.equal(0);
  });
  after(async () => {
    await metadataServer.stop();
    await database.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('registers from the URL, and refuses metadata signed with another key, naming why', async () => {
    metadataServer.body = signedMetadata(newKey());
    const refused = await run(
      'webdienst',
      'add-saml',
      '--organisation',
      oin,
      '--name',
      'Per URL',
      '--metadata-url',
      metadataServer.url,
      '--metadata-signing-cert',
      certificateFile,
    );
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.match(/SAML metadata from .* refused: the signature does not hold \(bad_signature\)/);

    metadataServer.body = signedMetadata();
    const added = await run(
      'webdienst',
      'add-saml',
      '--organisation',
      oin,
      '--name',
      'Per URL',
      '--metadata-url',
      metadataServer.url,
      '--metadata-signing-cert',
      certificateFile,
    );
    expect(added.code, added.stderr).to.equal(0);
    expect(added.json).to.include({ entity_id: entityId, response_binding: 'artifact' });
    expect(added.json.metadata_valid_until).to.be.a('string');
  });

  it('shows the refresh state of the metadata URL', async () => {
    const shown = await run('webdienst', 'show', entityId);
    expect(shown.code, shown.stderr).to.equal(0);
    const state = shown.json.metadata_refresh as Record<string, unknown>;
    expect(state).to.include({ url: metadataServer.url, last_error: null, consecutive_failures: 0 });
    // cacheDuration PT12H, within the default bounds.
    expect(Date.parse(state.next_attempt_at as string) - Date.parse(state.last_success_at as string)).to.equal(
      12 * 3600_000,
    );
  });

  it('records a refused forced refresh (exit 1), which webdienst list shows', async () => {
    metadataServer.mode = 'status500';
    const refreshed = await run('webdienst', 'refresh-metadata', '--client-id', entityId);
    metadataServer.mode = 'serve';
    expect(refreshed.code).to.equal(1);
    expect(refreshed.json).to.include({ ok: false, outcome: 'failed', reason: 'http_status', message: 'HTTP 500' });
    const listed = (await run('webdienst', 'list')).json as unknown as Array<Record<string, unknown>>;
    const entry = listed.find((webdienst) => webdienst.client_id === entityId)!;
    expect(entry.metadata_refresh).to.include({ last_error: 'HTTP 500', consecutive_failures: 1 });
  });

  it('refreshes at once when the URL answers again', async () => {
    const again = await run('webdienst', 'refresh-metadata', '--client-id', entityId);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.json).to.include({ ok: true, outcome: 'refreshed' });
    expect(again.json.metadata_refresh).to.include({ consecutive_failures: 0 });
  });
});
