// The command line `poortwachter`: same configuration as the server, --json for
// machine-readable output, a clear message and a non-zero exit for bad arguments. One file per
// command group in this folder; this one reads the arguments and runs the command.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../config/index.ts';
import { PoortwachterError } from '../core/errors.ts';
import { applyMigrations } from '../admin/migrations.ts';
import { openStore } from '../stores/index.ts';
import { auditCommands, auditUsage } from './audit.ts';
import { citizenCommands, citizenUsage } from './citizen.ts';
import { cliAudit, UsageError, type Commands, type Options } from './command.ts';
import { deskCommands, deskUsage } from './desk.ts';
import { lettersCommands, lettersUsage } from './letters.ts';
import { maintenanceCommands, maintenanceUsage } from './maintenance.ts';
import { organisationCommands, organisationUsage } from './organisation.ts';
import { outboxCommands, outboxUsage } from './outbox.ts';
import { serve } from './serve.ts';
import { webdienstCommands, webdienstUsage } from './webdienst.ts';
import { certificatesCommands, certificatesUsage } from './certificates.ts';
import { contactMailCommands, contactMailUsage } from './contact-mail.ts';
import { adminCommands, adminUsage } from './admin.ts';

const usage = `Usage: poortwachter <command> [options] [--json]

  serve [--workers N]           start the service (migrations applied first); N processes on one port
  migrate                       apply database migrations
${organisationUsage}
${webdienstUsage}
${certificatesUsage}
${contactMailUsage}
${citizenUsage}
${deskUsage}
${outboxUsage}
${auditUsage}
${maintenanceUsage}
${lettersUsage}
${adminUsage}

Configuration comes from the environment (PORT, PUBLIC_URL, DATABASE_URL, POORTWACHTER_ENV, ...)
and an optional JSON file named by POORTWACHTER_CONFIG; see README.md.`;

const commands: Commands = {
  migrate: {
    options: {},
    run: async ({ store }) => ({ applied: await applyMigrations({ store, audit: cliAudit(store) }) }),
  },
  ...organisationCommands,
  ...webdienstCommands,
  ...certificatesCommands,
  ...contactMailCommands,
  ...citizenCommands,
  ...outboxCommands,
  ...auditCommands,
  ...maintenanceCommands,
  ...lettersCommands,
  ...deskCommands,
  ...adminCommands,
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
    for (const [key, value] of Object.entries(result as Record<string, unknown>)) {
      // A list of records (the checklist's items): one indented line each.
      const records = Array.isArray(value) && value.some((entry) => typeof entry === 'object' && entry !== null);
      const shown = records
        ? (value as object[])
            .map(
              (entry) =>
                `\n  ${Object.entries(entry)
                  .map(([name, field]) => `${name}=${String(field ?? '')}`)
                  .join('  ')}`,
            )
            .join('')
        : Array.isArray(value)
          ? value.join(', ') || '(none)'
          : typeof value === 'object' && value !== null
            ? JSON.stringify(value)
            : String(value);
      process.stdout.write(`${key}: ${shown}\n`);
    }
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
    if (words[0] === 'serve') return await serve(argv, config);
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
      if (name !== 'migrate') await applyMigrations({ store, audit: cliAudit(store) });
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
