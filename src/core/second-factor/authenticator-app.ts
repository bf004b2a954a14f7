// Authenticator apps (TOTP, RFC 6238) as a Midden factor for citizens without SMS. A code is
// accepted once: the time step it belongs to is claimed in the database, so the same code (or an
// older one) is refused afterwards, also by another process. The secret is stored sealed
// (totp-secret-box.ts) and opened only to check a code.
import { generate, generateSecret, generateURI, verify } from 'otplib';
import type { CitizenRow, Store } from '../../stores/index.ts';
import type { Clock } from '../clock.ts';
import type { TotpSecretBox } from './totp-secret-box.ts';

export interface AuthenticatorAppDeps {
  store: Pick<Store, 'updateCitizenTotpSecret' | 'claimTotpStep'>;
  clock: Clock;
  issuer: string;
  secrets: TotpSecretBox;
}

export function createAuthenticatorApp(deps: AuthenticatorAppDeps) {
  return {
    /** Enrols a new app for the citizen and returns the otpauth URI to scan. */
    async enrol(citizen: CitizenRow): Promise<string> {
      const secret = generateSecret();
      await deps.store.updateCitizenTotpSecret(citizen.id, deps.secrets.seal(citizen.id, secret), deps.clock.now());
      return generateURI({ issuer: deps.issuer, label: citizen.username, secret });
    },

    async check(citizen: CitizenRow, submitted: string): Promise<boolean> {
      const token = submitted.replace(/\s+/g, '');
      if (!citizen.totpSecret || !/^\d{6}$/.test(token)) return false;
      const result = await verify({
        secret: deps.secrets.open(citizen.id, citizen.totpSecret),
        token,
        epoch: Math.floor(deps.clock.now() / 1000),
        epochTolerance: 30,
      });
      if (!result.valid || !('timeStep' in result)) return false;
      return deps.store.claimTotpStep(citizen.id, Number(result.timeStep));
    },

    /** The current code of a secret (tests and the bench use it the way an app would). */
    currentCode: (secret: string, at: number): Promise<string> => generate({ secret, epoch: Math.floor(at / 1000) }),
  };
}
export type AuthenticatorApp = ReturnType<typeof createAuthenticatorApp>;
