// `poortwachter webdienst certificates`: every registered certificate with its expiry and the days left.
import { certificateExpiries, type UnreadableJwks } from '../admin/certificate-expiries.ts';
import { createJwksReader } from '../admin/jwks-reader.ts';
import { systemClock } from '../core/clock.ts';
import { ValidationError } from '../core/errors.ts';
import { optional, type Commands } from './command.ts';

export const certificatesUsage = `  webdienst certificates [--client-id ID]   every certificate of the webdiensten, the soonest to expire first`;

export const certificatesCommands: Commands = {
  'webdienst certificates': {
    options: { 'client-id': { type: 'string' } },
    run: async ({ config, store, options }) => {
      const clientId = optional(options, 'client-id');
      const unreadable: UnreadableJwks[] = [];
      const expiries = await certificateExpiries(
        {
          store,
          clock: systemClock,
          readJwks: createJwksReader({ allowPrivateNetworkCalls: config.allowPrivateNetworkCalls }),
        },
        { ...(clientId ? { clientId } : {}), unreadable },
      );
      for (const { clientId: webdienst, jwksUri, reason } of unreadable)
        process.stderr.write(`poortwachter: the keys of ${webdienst} at ${jwksUri} could not be read: ${reason}\n`);
      if (clientId && expiries.length === 0 && !(await store.findWebdienstByClientId(clientId)))
        throw new ValidationError('admin.unknown_webdienst', `no webdienst with client_id or entityID ${clientId}`);
      return expiries.map((expiry) => ({
        webdienst: expiry.clientId,
        name: expiry.webdienstName,
        organisation: expiry.organisationOin,
        use: expiry.use,
        subject: expiry.subject,
        fingerprint: expiry.fingerprint,
        not_after: new Date(expiry.notAfter).toISOString(),
        days_left: expiry.daysLeft,
        suspended: expiry.suspended,
      }));
    },
  },
};
