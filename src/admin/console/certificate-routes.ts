// The console's certificates page: every certificate a connected webdienst registered, the soonest to
// expire first, each marked by how close its expiry is (in words, so not by colour alone, WCAG 1.4.1).
// Keys behind an OIDC webdienst's jwks_uri are not fetched for this page (its login reads them).
import type { Context } from 'koa';
import { certificateExpiries, type CertificateExpiry } from '../certificate-expiries.ts';
import type { ConsoleDeps } from './deps.ts';
import { renderConsole } from './page.ts';

/** The warning thresholds in days, most urgent first; a certificate beyond the last one is fine. */
const thresholds = [7, 30, 60] as const;

export type ExpiryMark = 'expired' | `within_${(typeof thresholds)[number]}` | 'ok';

export function expiryMarkOf(daysLeft: number): ExpiryMark {
  if (daysLeft < 0) return 'expired';
  const threshold = thresholds.find((days) => daysLeft < days);
  return threshold ? `within_${threshold}` : 'ok';
}

const listed = (expiry: CertificateExpiry) => ({
  ...expiry,
  validToText: new Date(expiry.notAfter).toISOString().slice(0, 10),
  mark: expiryMarkOf(expiry.daysLeft),
  // SAML: signing and/or encryption, shown in the page's language; OIDC: the key's name as registered.
  samlUses: expiry.protocol === 'saml' ? expiry.use.split(', ') : undefined,
});

export function consoleCertificateHandlers(deps: ConsoleDeps) {
  return {
    list: async (ctx: Context): Promise<void> => {
      const certificates = (await certificateExpiries({ store: deps.store, clock: deps.clock })).map(listed);
      renderConsole(ctx, 'beheer/certificates.njk', { certificates });
    },
  };
}
