// Maintenance mode at the OIDC authorization endpoint: the webdienst gets
// error=temporarily_unavailable at its redirect_uri (OIDC Core 3.1.2.6). A Check on the login prompt
// runs only after oidc-provider has validated the client, the redirect_uri and the other parameters,
// so an unknown client or an unregistered redirect_uri still gets the error page, never a redirect.
// It runs on every authorization request and on the resume after a login, with or without a session.
import { errors, interactionPolicy } from 'oidc-provider';
import type { MaintenanceMode } from '../../core/maintenance.ts';

const { Check } = interactionPolicy;
type Policy = ReturnType<typeof interactionPolicy.base>;

export function refuseDuringMaintenance(policy: Policy, maintenance: MaintenanceMode): Policy {
  policy.get('login')!.checks.add(
    new Check('maintenance', 'the service is down for maintenance', async () => {
      if (await maintenance.current())
        throw new errors.TemporarilyUnavailable('the service is down for maintenance; try again later');
      return Check.NO_NEED_TO_PROMPT;
    }),
    0,
  );
  return policy;
}
