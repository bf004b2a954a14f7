// `poortwachter organisation list|update|suspend|resume` and `webdienst update-oidc|suspend|resume|remove`
// as an operator runs them: a separate process on the database of a running server; --json for
// scripts; exit 2 for bad arguments, 1 for rejected input. The running server follows within its
// webdienst cache time: a suspended OIDC webdienst gets error=unauthorized_client at its redirect_uri
// (RFC 6749 section 4.1.2.1), a removed one is an unknown client. Every change is audited with the
// operator (`cli:<user>`).
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { runCliOn } from '../support/cli.ts';
import { databaseKinds } from '../support/databases.ts';
import { uniqueOin } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const poortwachter = (args: string[], databaseUrl: string) => runCliOn(databaseUrl, args);

/** Polls until `predicate` holds, for at most `seconds` (the server's webdienst cache is 5 s). */
async function within(seconds: number, predicate: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > seconds * 1000) throw new Error(`not within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

for (const kind of databaseKinds) {
  describe(`command line: changing, suspending and removing registrations (${kind})`, function () {
    this.timeout(180_000);
    let server: TestServer;
    const run = async (...args: string[]) => {
      const result = await poortwachter([...args, '--json'], server.database.url);
      return { ...result, json: () => JSON.parse(result.stdout) as Record<string, unknown> };
    };
    const oin = uniqueOin();
    const redirectUri = 'http://127.0.0.1:9/callback';

    /** Where an authorization request of this client ends: a redirect to the webdienst, or our page. */
    async function authorize(
      clientId: string,
      uri = redirectUri,
    ): Promise<{ status: number; location: string | null }> {
      const verifier = randomBytes(32).toString('base64url');
      const query = new URLSearchParams({
        client_id: clientId,
        redirect_uri: uri,
        response_type: 'code',
        scope: 'openid',
        state: 'state-1',
        nonce: 'nonce-1',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      });
      const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as {
        authorization_endpoint: string;
      };
      const response = await fetch(`${discovery.authorization_endpoint}?${query.toString()}`, { redirect: 'manual' });
      return { status: response.status, location: response.headers.get('location') };
    }

    before(async () => {
      server = await startTestServer({ kind });
    });
    after(() => server.stop());

    it('lists and changes an organisation, with its legal basis for the BSN', async () => {
      const added = await run(
        'organisation',
        'add',
        '--name',
        'Gemeente Wijzig',
        '--oin',
        oin,
        '--bsn-entitled',
        '--bsn-legal-basis',
        'Wet BRP art. 3.3',
      );
      expect(added.code, added.stderr).to.equal(0);
      const listed = await poortwachter(['organisation', 'list', '--json'], server.database.url);
      expect(JSON.parse(listed.stdout)).to.deep.include({
        oin,
        name: 'Gemeente Wijzig',
        public_task: '',
        bsn_entitled: true,
        bsn_legal_basis: 'Wet BRP art. 3.3',
        suspended_at: null,
      });
      const updated = await run(
        'organisation',
        'update',
        '--oin',
        oin,
        '--name',
        'Gemeente Gewijzigd',
        '--not-bsn-entitled',
      );
      expect(updated.code, updated.stderr).to.equal(0);
      expect(updated.json()).to.deep.include({ name: 'Gemeente Gewijzigd', bsn_entitled: false });
      expect((await server.store.findOrganisationByOin(oin))!.bsnEntitled).to.equal(false);
    });

    it('changes an OIDC webdienst; suspended it gets unauthorized_client, resumed it logs in, removed it is unknown', async () => {
      const added = await run(
        'webdienst',
        'add-oidc',
        '--organisation',
        oin,
        '--name',
        'Wijzigdienst',
        '--redirect-uri',
        'http://127.0.0.1:9/old',
      );
      expect(added.code, added.stderr).to.equal(0);
      const clientId = added.json().client_id as string;

      const changed = await run(
        'webdienst',
        'update-oidc',
        '--client-id',
        clientId,
        '--redirect-uri',
        redirectUri,
        '--post-logout-redirect-uri',
        'http://127.0.0.1:9/logged-out',
        '--level',
        'midden',
      );
      expect(changed.code, changed.stderr).to.equal(0);
      expect(changed.json()).to.deep.include({
        level: 'midden',
        redirect_uris: [redirectUri],
        post_logout_redirect_uris: ['http://127.0.0.1:9/logged-out'],
      });
      // The new redirect URI works, the old one no longer does (our error page, no redirect).
      await within(8, async () => (await authorize(clientId)).location?.includes('/inloggen/') ?? false);
      expect((await authorize(clientId, 'http://127.0.0.1:9/old')).status).to.equal(400);

      const suspended = await run('webdienst', 'suspend', '--client-id', clientId, '--reason', 'security incident');
      expect(suspended.code, suspended.stderr).to.equal(0);
      expect(suspended.json().suspended_at).to.be.a('string');
      await within(8, async () => (await authorize(clientId)).location?.startsWith(redirectUri) ?? false);
      const refused = new URL((await authorize(clientId)).location!);
      expect(refused.searchParams.get('error')).to.equal('unauthorized_client');
      expect(refused.searchParams.get('state')).to.equal('state-1');

      const resumed = await run('webdienst', 'resume', '--client-id', clientId);
      expect(resumed.code, resumed.stderr).to.equal(0);
      expect(resumed.json().suspended_at).to.equal(null);
      await within(8, async () => (await authorize(clientId)).location?.includes('/inloggen/') ?? false);

      const removed = await run('webdienst', 'remove', '--client-id', clientId);
      expect(removed.code, removed.stderr).to.equal(0);
      expect(removed.json()).to.deep.equal({ removed: clientId, name: 'Wijzigdienst', protocol: 'oidc' });
      await within(8, async () => (await authorize(clientId)).status === 400);
      const list = await poortwachter(['webdienst', 'list', '--json'], server.database.url);
      expect((JSON.parse(list.stdout) as Array<{ client_id: string }>).map((row) => row.client_id)).to.not.include(
        clientId,
      );

      const events = await server.store.listAuditEvents();
      const admin = events.filter((event) => event.type.startsWith('admin.'));
      for (const type of [
        'admin.organisation_changed',
        'admin.webdienst_changed',
        'admin.webdienst_suspended',
        'admin.webdienst_resumed',
        'admin.webdienst_removed',
      ]) {
        const event = admin.find((candidate) => candidate.type === type);
        expect(event, type).to.not.equal(undefined);
        expect(String(event!.details.operator), type).to.match(/^cli/);
      }
      expect(admin.find((event) => event.type === 'admin.webdienst_suspended')!.reason).to.equal('security incident');
      expect(events.find((event) => event.type === 'oidc.login_refused')).to.deep.include({
        reason: 'webdienst_suspended',
      });
    });

    it('refuses bad arguments with exit 2 and rejected input with exit 1, changing nothing', async () => {
      const before = (await server.store.listAuditEvents()).length;
      const missing = await run('webdienst', 'suspend');
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.include('missing --client-id');
      const unknown = await run('webdienst', 'update-oidc', '--client-id', 'no-such-client', '--name', 'X Y');
      expect(unknown.code).to.equal(1);
      expect(unknown.stderr).to.include('no webdienst with client_id or entityID no-such-client');
      const nothing = await run('organisation', 'update', '--oin', oin);
      expect(nothing.code).to.equal(1);
      expect(nothing.stderr).to.include('nothing to change');
      const both = await run('organisation', 'update', '--oin', oin, '--bsn-entitled', '--not-bsn-entitled');
      expect(both.code).to.equal(2);
      expect((await server.store.listAuditEvents()).length).to.equal(before);
    });
  });
}
