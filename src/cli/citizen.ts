// `poortwachter citizen ...`: the help desk's and the developer's handling of citizen accounts.
import { addCitizen, normaliseUsername, setCitizenPhone } from '../core/citizens.ts';
import { systemClock } from '../core/clock.ts';
import { liftPasswordBlock } from '../core/login/password-step.ts';
import { enrolAuthenticatorApp, setAlwaysSecondFactor } from '../core/second-factor/operator-settings.ts';
import { maskPhoneNumber as maskedPhone } from '../core/second-factor/sms-gateway.ts';
import { createAuthenticatorAppService } from '../services.ts';
import { required, services, UsageError, type Commands } from './command.ts';

export const citizenUsage = `  citizen add --username U --password P --bsn BSN [--phone +31...]   (not in production)
  citizen set-phone --username U --phone +31...    (the number SMS codes go to)
  citizen enrol-app --username U                   (prints the otpauth URI for an authenticator app)
  citizen always-second-factor --username U [--off]  (ask the second factor on every login)
  citizen unblock --username U                     (lift the block after many failed passwords, and the delays)`;

export const citizenCommands: Commands = {
  'citizen add': {
    options: {
      username: { type: 'string' },
      password: { type: 'string' },
      bsn: { type: 'string' },
      phone: { type: 'string' },
    },
    notInProduction: 'citizen add is refused in production: citizens request an account themselves',
    run: async ({ config, store, options }) => {
      const { citizenDeps } = services(config, store);
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
      const { citizenDeps } = services(config, store);
      const citizen = await setCitizenPhone(citizenDeps, required(options, 'username'), required(options, 'phone'));
      return { username: citizen.username, phone: maskedPhone(citizen.phone!) };
    },
  },
  'citizen enrol-app': {
    options: { username: { type: 'string' } },
    run: async ({ config, store, options }) => {
      const { adminDeps } = services(config, store);
      const authenticatorApp = await createAuthenticatorAppService(config, store, systemClock);
      const { username, otpauthUri } = await enrolAuthenticatorApp(
        { ...adminDeps, authenticatorApp },
        required(options, 'username'),
      );
      return { username, otpauth_uri: otpauthUri };
    },
  },
  'citizen always-second-factor': {
    options: { username: { type: 'string' }, off: { type: 'boolean' } },
    run: async ({ config, store, options }) => {
      const { adminDeps } = services(config, store);
      const { username, always } = await setAlwaysSecondFactor(
        adminDeps,
        required(options, 'username'),
        options.off !== true,
      );
      return { username, always_second_factor: always };
    },
  },
  'citizen unblock': {
    options: { username: { type: 'string' } },
    run: async ({ config, store, options }) => {
      const citizen = await store.findCitizenByUsername(normaliseUsername(required(options, 'username')));
      if (!citizen) throw new UsageError(`no citizen with username ${required(options, 'username')}`);
      await liftPasswordBlock(services(config, store).passwordStep, citizen, 'operator');
      return { username: citizen.username, was_blocked: citizen.passwordRecoveryRequired, blocked: false };
    },
  },
};
