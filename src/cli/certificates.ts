// `poortwachter webdienst certificates`: every registered certificate with its expiry and the days left.
import { certificateExpiries } from '../admin/certificate-expiries.ts';
import { systemClock } from '../core/clock.ts';
import { ValidationError } from '../core/errors.ts';
import { optional, type Commands } from './command.ts';

export const certificatesUsage = `  webdienst certificates [--client-id ID]   every certificate of the webdiensten, the soonest to expire first`;

export const certificatesCommands: Commands = {
  'webdienst certificates': {
    options: { 'client-id': { type: 'string' } },
    run: async ({ store, options }) => {
      const clientId = optional(options, 'client-id');
      const expiries = await certificateExpiries({ store, clock: systemClock }, clientId ? { clientId } : {});
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
