// The help desk's commands for citizen accounts (`citizen show|deactivate|letter`), every
// change audited. They use the configured gateways: the register for the address, the letters.
import { loadTotpKeys } from '../core/keys.ts';
import { createTotpSecretBox } from '../core/second-factor/totp-secret-box.ts';
import { normaliseUsername } from '../core/citizens.ts';
import { systemClock } from '../core/clock.ts';
import { loadInstanceKeys } from '../core/keys.ts';
import { deactivateAccount, sendDeskActivationLetter, sendDeskRecoveryLetter } from '../core/lifecycle/desk.ts';
import { maskPhoneNumber } from '../core/second-factor/sms-gateway.ts';
import { createSmsGateway } from '../gateways/sms/index.ts';
import { createLifecycleDeps } from '../services.ts';
import type { Config } from '../../config/index.ts';
import type { Store } from '../stores/index.ts';
import { iso, required, services, UsageError, type Commands, type Options } from './command.ts';

export const deskUsage = `  citizen show --username U                        status, factors and waiting requests of an account (help desk)
  citizen deactivate --username U                  end the account and its sessions; the citizen is told
  citizen letter --kind activation|recovery --username U   a new letter with a new code to the registered address`;

async function lifecycleOf(config: Config, store: Store) {
  const keys = await loadInstanceKeys(config, store, systemClock);
  return createLifecycleDeps(
    config,
    store,
    systemClock,
    keys,
    createSmsGateway(config, store, systemClock),
    services(config, store),
    createTotpSecretBox(await loadTotpKeys(config, store, systemClock)),
  );
}

async function citizenOf(store: Store, options: Options) {
  const username = normaliseUsername(required(options, 'username'));
  const citizen = await store.findCitizenByUsername(username);
  if (!citizen) throw new UsageError(`no citizen with username ${username}`);
  return citizen;
}

export const deskCommands: Commands = {
  'citizen show': {
    options: { username: { type: 'string' } },
    run: async ({ store, options }) => {
      const username = normaliseUsername(required(options, 'username'));
      const citizen = await store.findCitizenByUsername(username);
      const request = await store.findLatestAccountRequestByUsername(username);
      if (!citizen && !request) throw new UsageError(`no citizen or account request with username ${username}`);
      const contact = citizen ? await store.findCitizenContact(citizen.id) : undefined;
      return {
        username,
        status: citizen?.status ?? `request ${request!.status}`,
        phone: citizen?.phone ? maskPhoneNumber(citizen.phone) : null,
        app_linked: citizen ? citizen.totpSecret !== null : false,
        email: contact ? contact.email.replace(/^(.).*(@.*)$/, '$1***$2') : null,
        password_recovery_required: citizen?.passwordRecoveryRequired ?? false,
        created_at: iso(citizen?.createdAt ?? request!.createdAt),
        request: request ? `${request.status}, until ${iso(request.expiresAt) ?? ''}` : null,
      };
    },
  },
  'citizen deactivate': {
    options: { username: { type: 'string' } },
    run: async ({ config, store, options }) => {
      const citizen = await citizenOf(store, options);
      if (citizen.status === 'revoked') throw new UsageError(`the account ${citizen.username} has already ended`);
      const ended = await deactivateAccount(await lifecycleOf(config, store), citizen);
      return { username: citizen.username, status: 'revoked', ...ended };
    },
  },
  'citizen letter': {
    options: { username: { type: 'string' }, kind: { type: 'string' } },
    run: async ({ config, store, options }) => {
      const kind = required(options, 'kind');
      const username = normaliseUsername(required(options, 'username'));
      const deps = await lifecycleOf(config, store);
      if (kind === 'recovery') {
        const citizen = await citizenOf(store, options);
        if (citizen.status !== 'active')
          throw new UsageError(`the account ${username} is ${citizen.status}, not active`);
        const sent = await sendDeskRecoveryLetter(deps, citizen);
        return { username, kind, letter: sent.letterId, expires_at: iso(sent.expiresAt) };
      }
      if (kind === 'activation') {
        const request = await store.findLatestAccountRequestByUsername(username);
        if (!request) throw new UsageError(`no account request with username ${username}`);
        const sent = await sendDeskActivationLetter(deps, request);
        return { username, kind, letter: sent.letterId, expires_at: iso(sent.expiresAt) };
      }
      throw new UsageError('--kind must be activation or recovery');
    },
  },
};
