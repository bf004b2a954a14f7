// The command line `poortwachter` (DESIGN.md section 9): same configuration as the server, --json for
// machine-readable output, a clear message and a non-zero exit for bad arguments.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config/index.ts';
import { addOrganisation } from './admin/organisations.ts';
import { addOidcWebdienst } from './admin/webdiensten.ts';
import { addSamlWebdienst, updateSamlWebdienst } from './admin/saml-webdiensten.ts';
import { addCitizen, normaliseUsername, setCitizenPhone } from './core/citizens.ts';
import { createAuthenticatorApp } from './core/second-factor/authenticator-app.ts';
import { maskPhoneNumber as maskedPhone } from './gateways/sms/sms-gateway.ts';
import { systemClock } from './core/clock.ts';
import { exportAuditEvents, verifyAuditChain } from './core/audit-chain.ts';
import { PoortwachterError } from './core/errors.ts';
import { createLogger } from './logger.ts';
import { clusterWorkerId, isClusterWorker, superviseWorkers } from './serve-cluster.ts';
import { startServer } from './server.ts';
import { maintenanceCommands, maintenanceUsage } from './cli-maintenance.ts';
import { UsageError } from './cli-usage-error.ts';
import { createServices } from './services.ts';
import { openStore, type Store } from './stores/index.ts';

const usage = `Usage: poortwachter <command> [options] [--json]

  serve [--workers N]           start the service (migrations applied first); N processes on one port
  migrate                       apply database migrations
  organisation add --name NAME --oin OIN [--public-task TEXT] [--bsn-entitled]
  webdienst add-oidc --organisation OIN --name NAME --redirect-uri URL [--redirect-uri URL ...]
        [--post-logout-redirect-uri URL] [--backchannel-logout-uri URL] [--level basis|midden]
        [--federation NAME] [--auth client_secret_basic|private_key_jwt] [--jwks-uri URL]
  webdienst add-saml --organisation OIN --name NAME --metadata FILE_OR_URL [--level basis|midden]
        [--federation NAME] [--response-binding artifact|post]     (prints the entityID)
  webdienst update-saml --entity-id ID --metadata FILE_OR_URL [--response-binding artifact|post]
        (re-imports the metadata: certificate rollover, new or removed ACS endpoints)
  webdienst list
  citizen add --username U --password P --bsn BSN [--phone +31...]   (not in production)
  citizen set-phone --username U --phone +31...    (the number SMS codes go to)
  citizen enrol-app --username U                   (prints the otpauth URI for an authenticator app)
  citizen always-second-factor --username U [--off]  (ask the second factor on every login)
  outbox sms [--to NUMBER] [--limit N]   latest messages in the SMS outbox, newest first (not in production)
  audit verify                  walk the audit trail's hash chain; names changed or deleted rows (exit 1)
  audit export --from ISO --to ISO   the audit events of a period (from <= at < to) as JSON lines
${maintenanceUsage}

Configuration comes from the environment (PORT, PUBLIC_URL, DATABASE_URL, POORTWACHTER_ENV, ...)
and an optional JSON file named by POORTWACHTER_CONFIG; see README.md.`;

type Options = Record<string, string | boolean | string[] | undefined>;
type Command = {
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
  /** Set for commands refused in production: the reason, checked before the database is opened. */
  notInProduction?: string;
  /** The name of the one positional argument the command takes, passed on as an option (`status remove ID`). */
  positional?: string;
  run: (ctx: { config: Config; store: Store; options: Options }) => Promise<unknown>;
};

function required(options: Options, name: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`missing --${name}`);
  return value;
}

const commands: Record<string, Command> = {
  migrate: {
    options: {},
    run: async ({ store }) => ({ applied: await store.migrate() }),
  },
  'organisation add': {
    options: {
      name: { type: 'string' },
      oin: { type: 'string' },
      'public-task': { type: 'string' },
      'bsn-entitled': { type: 'boolean' },
    },
    run: async ({ config, store, options }) => {
      const { adminDeps } = createServices(config, store, systemClock);
      const organisation = await addOrganisation(adminDeps, {
        name: required(options, 'name'),
        oin: required(options, 'oin'),
        publicTask: options['public-task'] as string | undefined,
        bsnEntitled: options['bsn-entitled'] === true,
      });
      return { oin: organisation.oin, name: organisation.name, bsn_entitled: organisation.bsnEntitled };
    },
  },
  'webdienst add-oidc': {
    options: {
      organisation: { type: 'string' },
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      'backchannel-logout-uri': { type: 'string' },
      level: { type: 'string' },
      federation: { type: 'string' },
      auth: { type: 'string' },
      'jwks-uri': { type: 'string' },
    },
    run: async ({ config, store, options }) => {
      const { adminDeps } = createServices(config, store, systemClock);
      const registered = await addOidcWebdienst(
        { ...adminDeps, environment: config.environment },
        {
          organisationOin: required(options, 'organisation'),
          name: required(options, 'name'),
          redirectUris: (options['redirect-uri'] as string[] | undefined) ?? [],
          postLogoutRedirectUris: options['post-logout-redirect-uri'] as string[] | undefined,
          backchannelLogoutUri: options['backchannel-logout-uri'] as string | undefined,
          level: options.level as string | undefined,
          federation: options.federation as string | undefined,
          auth: options.auth as string | undefined,
          jwksUri: options['jwks-uri'] as string | undefined,
        },
      );
      return {
        client_id: registered.clientId,
        ...(registered.clientSecret ? { client_secret: registered.clientSecret } : {}),
        issuer: config.publicUrl,
        discovery: `${config.publicUrl}/.well-known/openid-configuration`,
        level: registered.webdienst.minimumLevel,
      };
    },
  },
  'webdienst add-saml': {
    options: {
      organisation: { type: 'string' },
      name: { type: 'string' },
      metadata: { type: 'string' },
      level: { type: 'string' },
      federation: { type: 'string' },
      'response-binding': { type: 'string' },
    },
    run: async ({ config, store, options }) => {
      const { adminDeps } = createServices(config, store, systemClock);
      const registered = await addSamlWebdienst(
        { ...adminDeps, environment: config.environment },
        {
          organisationOin: required(options, 'organisation'),
          name: required(options, 'name'),
          metadata: required(options, 'metadata'),
          level: options.level as string | undefined,
          federation: options.federation as string | undefined,
          responseBinding: options['response-binding'] as string | undefined,
        },
      );
      return {
        entity_id: registered.entityId,
        idp_metadata: `${config.publicUrl}/saml/metadata`,
        level: registered.webdienst.minimumLevel,
        response_binding: registered.registration.responseBinding,
      };
    },
  },
  'webdienst update-saml': {
    options: {
      'entity-id': { type: 'string' },
      metadata: { type: 'string' },
      'response-binding': { type: 'string' },
    },
    run: async ({ config, store, options }) => {
      const { adminDeps } = createServices(config, store, systemClock);
      const { entityId, registration } = await updateSamlWebdienst(
        { ...adminDeps, environment: config.environment },
        {
          entityId: required(options, 'entity-id'),
          metadata: required(options, 'metadata'),
          responseBinding: options['response-binding'] as string | undefined,
        },
      );
      return {
        entity_id: entityId,
        response_binding: registration.responseBinding,
        assertion_consumer_services: registration.assertionConsumerServices.map(
          (acs) => `${acs.index} ${acs.binding.split(':').pop()} ${acs.location}`,
        ),
        signing_certificates: registration.signingCertificates.length,
        encryption_certificates: registration.encryptionCertificates.length,
      };
    },
  },
  'webdienst list': {
    options: {},
    run: async ({ store }) =>
      (await store.listWebdiensten()).map((webdienst) => ({
        name: webdienst.name,
        protocol: webdienst.protocol,
        client_id: webdienst.clientId,
        organisation: webdienst.organisation.name,
        oin: webdienst.organisation.oin,
        bsn_entitled: webdienst.organisation.bsnEntitled,
        level: webdienst.minimumLevel,
        federation: webdienst.federation,
      })),
  },
  'outbox sms': {
    options: { to: { type: 'string' }, limit: { type: 'string' } },
    notInProduction: 'outbox sms is refused in production: production sends real SMS messages and keeps no outbox',
    run: async ({ store, options }) => {
      const limit = options.limit === undefined ? 20 : Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new UsageError('--limit must be a whole number from 1 to 1000');
      const messages = await store.listOutboxSms({ to: options.to as string | undefined, limit });
      return messages.map((message) => ({
        to: message.to,
        text: message.text,
        purpose: message.purpose,
        created_at: new Date(message.createdAt).toISOString(),
      }));
    },
  },
  'audit verify': {
    options: {},
    run: async ({ store }) => {
      const verdict = await verifyAuditChain(store);
      return {
        ok: verdict.ok,
        events: verdict.events,
        last_id: verdict.lastId,
        last_hash: verdict.lastHash,
        broken_rows: verdict.breaks.map((found) => found.id),
        problems: verdict.breaks.map((found) => found.problem),
      };
    },
  },
  'audit export': {
    options: { from: { type: 'string' }, to: { type: 'string' } },
    run: async ({ store, options }) => {
      const [from, to] = (['from', 'to'] as const).map((name) => {
        const value = required(options, name);
        const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
        if (!Number.isFinite(at))
          throw new UsageError(`--${name} must be an ISO 8601 date or time, e.g. 2026-01-31 or 2026-01-31T12:00:00Z`);
        return at;
      }) as [number, number];
      if (from >= to) throw new UsageError('--from must be before --to');
      for await (const event of exportAuditEvents(store, { from, to })) {
        const line = JSON.stringify({
          id: event.id,
          at: new Date(event.at).toISOString(),
          type: event.type,
          outcome: event.outcome,
          reason: event.reason,
          citizen_id: event.citizenId,
          webdienst_id: event.webdienstId,
          client_address: event.clientAddress,
          details: event.details,
          chain_hash: event.chainHash,
        });
        if (!process.stdout.write(`${line}\n`)) await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
      return undefined; // written as JSON lines above, with or without --json
    },
  },
  'citizen add': {
    options: {
      username: { type: 'string' },
      password: { type: 'string' },
      bsn: { type: 'string' },
      phone: { type: 'string' },
    },
    notInProduction: 'citizen add is refused in production: citizens request an account themselves',
    run: async ({ config, store, options }) => {
      const { citizenDeps } = createServices(config, store, systemClock);
      const citizen = await addCitizen(citizenDeps, {
        username: required(options, 'username'),
        password: required(options, 'password'),
        bsn: required(options, 'bsn'),
        phone: options.phone as string | undefined,
      });
      return {
        username: citizen.username,
        status: citizen.status,
        phone: citizen.phone ? maskedPhone(citizen.phone) : null,
      };
    },
  },
  'citizen set-phone': {
    options: { username: { type: 'string' }, phone: { type: 'string' } },
    run: async ({ config, store, options }) => {
      const { citizenDeps } = createServices(config, store, systemClock);
      const citizen = await setCitizenPhone(citizenDeps, required(options, 'username'), required(options, 'phone'));
      return { username: citizen.username, phone: maskedPhone(citizen.phone!) };
    },
  },
  'citizen enrol-app': {
    options: { username: { type: 'string' } },
    run: async ({ store, options }) => {
      const citizen = await store.findCitizenByUsername(normaliseUsername(required(options, 'username')));
      if (!citizen) throw new UsageError(`no citizen with username ${required(options, 'username')}`);
      const uri = await createAuthenticatorApp({ store, clock: systemClock, issuer: 'Poortwachter' }).enrol(citizen);
      return { username: citizen.username, otpauth_uri: uri };
    },
  },
  'citizen always-second-factor': {
    options: { username: { type: 'string' }, off: { type: 'boolean' } },
    run: async ({ store, options }) => {
      const citizen = await store.findCitizenByUsername(normaliseUsername(required(options, 'username')));
      if (!citizen) throw new UsageError(`no citizen with username ${required(options, 'username')}`);
      await store.updateAlwaysSecondFactor(citizen.id, options.off !== true, systemClock.now());
      return { username: citizen.username, always_second_factor: options.off !== true };
    },
  },
  ...maintenanceCommands,
};

function print(result: unknown, json: boolean): void {
  if (result === undefined) return;
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else if (Array.isArray(result)) {
    if (result.length === 0) process.stdout.write('(none)\n');
    for (const row of result)
      process.stdout.write(
        `${Object.entries(row as object)
          .map(([key, value]) => `${key}=${value ?? ''}`)
          .join('  ')}\n`,
      );
  } else {
    for (const [key, value] of Object.entries(result as object))
      process.stdout.write(`${key}: ${Array.isArray(value) ? value.join(', ') || '(none)' : value}\n`);
  }
}

export async function main(argv: string[]): Promise<number> {
  const words = argv.filter((arg) => !arg.startsWith('-'));
  const json = argv.includes('--json');
  if (argv.includes('--help') || argv.includes('-h') || words.length === 0) {
    process.stdout.write(`${usage}\n`);
    return words.length === 0 && !argv.includes('--help') && !argv.includes('-h') ? 2 : 0;
  }
  const fail = (message: string, code: number): number => {
    if (json) process.stdout.write(`${JSON.stringify({ error: message })}\n`);
    process.stderr.write(`poortwachter: ${message}\n`);
    return code;
  };
  try {
    const config = loadConfig();
    if (words[0] === 'serve') {
      const { values } = parseArgs({
        args: argv,
        options: { workers: { type: 'string' }, json: { type: 'boolean' } },
        allowPositionals: true,
        strict: true,
      });
      const workers = values.workers === undefined ? 1 : Number(values.workers);
      if (!Number.isInteger(workers) || workers < 1 || workers > 64)
        throw new UsageError('--workers must be a whole number from 1 to 64');
      if (workers > 1 && !isClusterWorker()) {
        await superviseWorkers(workers, config, createLogger(config));
        return 0;
      }
      const workerId = clusterWorkerId();
      const server = await startServer(
        config,
        workerId === undefined ? {} : { logger: createLogger(config).child({ worker: workerId }) },
      );
      // Supervisors stop us with SIGTERM: finish what is in flight, then exit. The signal often comes
      // twice (to the process group and relayed by tsx or the cluster primary): repeats are ignored,
      // and the shutdown settings bound how long it takes.
      let stopping = false;
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.on(signal, () => {
          if (stopping) return;
          stopping = true;
          server.close().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        });
      }
      return -1; // keep running
    }
    const name = commands[`${words[0]} ${words[1]}`] ? `${words[0]} ${words[1]}` : words[0]!;
    const command = commands[name];
    if (!command) throw new UsageError(`unknown command "${words.slice(0, 2).join(' ')}"\n\n${usage}`);
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...command.options, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    const [argument, unexpected] = positionals.slice(name.split(' ').length);
    if (unexpected !== undefined || (argument !== undefined && !command.positional))
      throw new UsageError(`unexpected argument "${unexpected ?? argument}"`);
    if (command.positional && argument !== undefined) (values as Options)[command.positional] = argument;
    if (command.notInProduction && config.environment === 'production') throw new UsageError(command.notInProduction);
    const store = openStore(config.databaseUrl);
    try {
      // `migrate` reports what it applied itself; every other command first brings the schema up to date.
      if (name !== 'migrate') await store.migrate();
      const result = await command.run({ config, store, options: values });
      print(result, json);
      // A check that found a problem (audit verify) says so in its exit status too.
      if ((result as { ok?: unknown } | undefined)?.ok === false) return 1;
    } finally {
      await store.close();
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message, 2);
    if (error instanceof ConfigError) return fail(error.message, 78);
    if (error instanceof PoortwachterError) return fail(error.message, 1);
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
      return fail(`${error.message}\n\n${usage}`, 2);
    return fail(`failed: ${(error as Error).message}`, 1);
  }
}

const exitCode = await main(process.argv.slice(2));
if (exitCode >= 0) process.exit(exitCode);
