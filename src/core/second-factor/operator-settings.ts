// What an operator (the help desk, `poortwachter citizen ...`) changes about a citizen's second factor:
// a new authenticator app, or the second factor on every login. Each change is an audit event, like
// the citizen's own changes on the account pages.
import type { Store } from '../../stores/index.ts';
import type { AuditLog } from '../audit.ts';
import { normaliseUsername } from '../citizens.ts';
import type { Clock } from '../clock.ts';
import { ValidationError } from '../errors.ts';
import type { AuthenticatorApp } from './authenticator-app.ts';

export interface OperatorSettingsDeps {
  store: Pick<Store, 'findCitizenByUsername' | 'updateAlwaysSecondFactor'>;
  clock: Clock;
  audit: AuditLog;
}

async function citizenNamed(deps: OperatorSettingsDeps, username: string) {
  const citizen = await deps.store.findCitizenByUsername(normaliseUsername(username));
  if (!citizen) throw new ValidationError('citizen.unknown', `no citizen with username ${normaliseUsername(username)}`);
  return citizen;
}

/** Enrols a new authenticator app (replacing one there was) and returns the otpauth URI to load into it. */
export async function enrolAuthenticatorApp(
  deps: OperatorSettingsDeps & { authenticatorApp: Pick<AuthenticatorApp, 'enrol'> },
  username: string,
): Promise<{ username: string; otpauthUri: string }> {
  const citizen = await citizenNamed(deps, username);
  const otpauthUri = await deps.authenticatorApp.enrol(citizen);
  await deps.audit.record({
    type: 'citizen.authenticator_app_enrolled',
    outcome: 'success',
    citizenId: citizen.id,
    reason: 'operator',
    details: { replaced: citizen.totpSecret !== null },
  });
  return { username: citizen.username, otpauthUri };
}

/** Asks the second factor on every login (or, with false, only where the level needs it). */
export async function setAlwaysSecondFactor(
  deps: OperatorSettingsDeps,
  username: string,
  always: boolean,
): Promise<{ username: string; always: boolean }> {
  const citizen = await citizenNamed(deps, username);
  await deps.store.updateAlwaysSecondFactor(citizen.id, always, deps.clock.now());
  await deps.audit.record({
    type: 'citizen.always_second_factor_changed',
    outcome: 'success',
    citizenId: citizen.id,
    reason: 'operator',
    details: { always, was: citizen.alwaysSecondFactor },
  });
  return { username: citizen.username, always };
}
