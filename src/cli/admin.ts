// `poortwachter admin ...`: the operators of the admin console (/beheer). Only the command line makes
// them: the console has no page that creates or re-enables an operator.
import { systemClock } from '../core/clock.ts';
import { addOperator, disableOperator, listOperators } from '../core/operators/operator-accounts.ts';
import { createTotpSecretBox } from '../core/second-factor/totp-secret-box.ts';
import { loadTotpKeys } from '../core/keys.ts';
import type { Config } from '../../config/index.ts';
import type { Store } from '../stores/index.ts';
import { iso, required, services, UsageError, type Commands } from './command.ts';

export const adminUsage = `  admin add --username U --name "NAME" [--password-stdin]
        an operator of the admin console; prints the password (when generated) and the
        authenticator app's otpauth:// URI once; with --password-stdin the password is read from stdin
  admin list                    the operators, enabled or disabled
  admin disable --username U    the operator can no longer log in; their sessions end`;

async function operatorDeps(config: Config, store: Store) {
  const built = services(config, store);
  return {
    store,
    hasher: built.hasher,
    clock: systemClock,
    audit: built.audit,
    passwordRules: config.password,
    secrets: createTotpSecretBox(await loadTotpKeys(config, store, systemClock)),
    issuer: 'Poortwachter beheer',
  };
}

/** The first line of standard input (a password piped in, never on the command line where `ps` shows it). */
async function passwordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--password-stdin: pipe the password in, e.g. from a password manager');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (!password) throw new UsageError('--password-stdin: no password on standard input');
  return password;
}

export const adminCommands: Commands = {
  'admin add': {
    options: { username: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
    run: async ({ config, store, options }) => {
      const password = options['password-stdin'] === true ? await passwordFromStdin() : undefined;
      const added = await addOperator(await operatorDeps(config, store), {
        username: required(options, 'username'),
        displayName: required(options, 'name'),
        ...(password !== undefined ? { password } : {}),
      });
      return {
        username: added.operator.username,
        name: added.operator.displayName,
        ...(added.generatedPassword ? { password: added.generatedPassword } : {}),
        otpauth_uri: added.otpauthUri,
        totp_secret: added.totpSecret,
        note: 'shown once: store the password and add the code to an authenticator app now',
      };
    },
  },
  'admin list': {
    options: {},
    run: async ({ store }) =>
      (await listOperators({ store })).map((operator) => ({
        username: operator.username,
        name: operator.displayName,
        disabled_at: iso(operator.disabledAt),
        created_at: iso(operator.createdAt),
      })),
  },
  'admin disable': {
    options: { username: { type: 'string' } },
    run: async ({ config, store, options }) => {
      const operator = await disableOperator(await operatorDeps(config, store), required(options, 'username'));
      return { username: operator.username, disabled_at: iso(operator.disabledAt) };
    },
  },
};
