// What the Basis target (flows/s >= 65% of argon2id checks/s) leaves for everything but the password
// check, against what oidc-provider alone costs for the same five HTTP exchanges on this machine.
// It runs a bare oidc-provider (its in-memory adapter, a login form of two fields that logs anyone in
// without a password, no database, no templates, no audit) in a child process, drives it with the
// bench's own Basis flow and load generator, and prints CPU per flow beside the argon2id CPU per check:
// a floor under any Poortwachter built on oidc-provider, and the highest ratio such a floor allows.
//
//   npx tsx bench/oidc-provider-floor.ts [--concurrency 8] [--duration 8] [--out bench/oidc-provider-floor.md]
//
// Not a way to run Poortwachter: the memory adapter keeps state in one process, which the service never does.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Koa from 'koa';
import { Provider } from 'oidc-provider';
import { cpuWindow } from './cpu.ts';
import { basisLogin } from './flows/basis.ts';
import { measureHashRate } from './hash-rate.ts';
import { runLoad } from './load.ts';
import { describeMachine } from './machine.ts';
import { freePort, projectRoot } from './server-process.ts';
import { fixed } from './stats.ts';

const client = {
  clientId: 'floor',
  clientSecret: randomBytes(24).toString('base64url'),
  redirectUri: 'http://127.0.0.1:9/floor/callback',
};

/** The bare provider: authorization code flow with PKCE, RS256 ID tokens, one interaction page. */
function serveBareProvider(port: number, clientSecret: string): void {
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.clientId,
        client_secret: clientSecret,
        redirect_uris: [client.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'floor', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 300, IdToken: 300, AuthorizationCode: 60 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  });
  const app = new Koa();
  app.use(async (ctx, next) => {
    const uid = /^\/interaction\/([^/]+)$/.exec(ctx.path)?.[1];
    if (!uid) {
      await next();
      return;
    }
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (ctx.method === 'GET') {
      ctx.type = 'html';
      ctx.body = `<!doctype html><form method="post" action="/interaction/${details.uid}"><input name="username"><input name="password" type="password"></form>`;
      return;
    }
    let body = '';
    for await (const chunk of ctx.req) body += chunk;
    const accountId = new URLSearchParams(body).get('username') ?? 'anyone';
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope('openid');
    const location = await provider.interactionResult(ctx.req, ctx.res, {
      login: { accountId },
      consent: { grantId: await grant.save() },
    });
    ctx.redirect(location);
  });
  const providerCallback = provider.callback();
  app.use((ctx) => providerCallback(ctx.req, ctx.res));
  app.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
  process.on('SIGTERM', () => process.exit(0));
}

if (process.argv.includes('--child') && process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { child: { type: 'boolean' }, port: { type: 'string' } } });
  serveBareProvider(Number(values.port), process.env.FLOOR_CLIENT_SECRET!);
} else {
  const { values: args } = parseArgs({
    options: {
      concurrency: { type: 'string', default: '8' },
      duration: { type: 'string', default: '8' },
      out: { type: 'string', default: 'bench/oidc-provider-floor.md' },
    },
  });
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', '--port', String(port)],
    { env: { ...process.env, FLOOR_CLIENT_SECRET: client.clientSecret }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the bare provider exited (${code})`)));
  });
  try {
    const target = {
      baseUrl: `http://127.0.0.1:${port}`,
      ...client,
      citizen: { username: 'floor-citizen', password: 'not checked' },
    };
    let cpu: ReturnType<ReturnType<typeof cpuWindow>> | undefined;
    let stop: (() => ReturnType<ReturnType<typeof cpuWindow>>) | undefined;
    const result = await runLoad({
      scenario: basisLogin,
      target,
      concurrency: Number(args.concurrency),
      warmupMs: 2000,
      durationMs: Number(args.duration) * 1000,
      maxFlows: 50_000,
      onWindow: (edge) => (edge === 'start' ? (stop = cpuWindow(child.pid)) : (cpu = stop!())),
    });
    if (result.errors) throw new Error(`the bare flow failed: ${[...result.errorSamples.keys()].join('; ')}`);
    const verify = (
      await measureHashRate({ seconds: 4, concurrency: availableParallelism(), operations: ['verify'] })
    )[0]!;
    const serverMs = cpu!.processMs / result.flows;
    const clientMs = cpu!.selfMs / result.flows;
    const allowed = verify.cpuMsPerOp / 0.65 - verify.cpuMsPerOp;
    const lines = [
      `machine: ${Object.entries(describeMachine())
        .map(([key, value]) => `${key} ${value}`)
        .join('; ')}`,
      `bare oidc-provider, the bench's Basis flow without a password check, concurrency ${result.concurrency}: ${fixed(result.flows / (result.windowMs / 1000))} flows/s`,
      `  CPU per flow: provider process ${fixed(serverMs, 2)} ms, load generator ${fixed(clientMs, 2)} ms`,
      `argon2id verify (m=19456 KiB, t=2, p=1), concurrency ${verify.concurrency}: ${fixed(verify.perSecond)} per second, ${fixed(verify.cpuMsPerOp, 2)} ms CPU per check`,
      `the 65% target allows ${fixed(allowed, 2)} ms of CPU per flow beyond the check (all of it: server, load generator, database), if every core is busy all the time`,
      `  oidc-provider alone with in-memory state takes ${fixed(serverMs + clientMs, 2)} ms of that (${fixed(((serverMs + clientMs) / allowed) * 100, 0)}%), leaving ${fixed(allowed - serverMs - clientMs, 2)} ms for the database, the login layer, throttling, audit, pages and logs`,
      `  highest ratio any service on this floor reaches here: ${fixed((verify.cpuMsPerOp / (verify.cpuMsPerOp + serverMs + clientMs)) * 100)}%`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const out = resolve(projectRoot, args.out);
    writeFileSync(
      out,
      [
        '# What oidc-provider alone costs per Basis flow',
        '',
        'Written by `npx tsx bench/oidc-provider-floor.ts` (see its header).',
        '',
        ...lines.map((line) => (line.startsWith('  ') ? `  - ${line.trim()}` : `- ${line}`)),
        '',
      ].join('\n'),
    );
    process.stdout.write(`Report written to ${out}\n`);
  } finally {
    child.kill('SIGTERM');
  }
}
