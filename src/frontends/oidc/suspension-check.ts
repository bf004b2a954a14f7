// A suspended webdienst (or one of a suspended organisation) at the OIDC authorization endpoint: the
// core refuses (webdienst-access.ts), and the webdienst gets error=unauthorized_client at its
// redirect_uri (RFC 6749 section 4.1.2.1). Like the maintenance check, a Check on the login prompt
// runs after oidc-provider validated the client and the redirect_uri, on every authorization request
// and on the resume after a login, with or without a session.
import { errors, interactionPolicy } from 'oidc-provider';
import type { AuditLog } from '../../core/audit.ts';
import { loginRefusal, refusalDescription } from '../../core/webdienst-access.ts';
import type { Store } from '../../stores/index.ts';

const { Check } = interactionPolicy;
type Policy = ReturnType<typeof interactionPolicy.base>;

export function refuseSuspendedWebdiensten(
  policy: Policy,
  store: Pick<Store, 'findWebdienstByClientId'>,
  audit: AuditLog,
): Policy {
  policy.get('login')!.checks.add(
    new Check('webdienst_suspended', 'the webdienst is suspended', async (ctx) => {
      const webdienst = ctx.oidc.client ? await store.findWebdienstByClientId(ctx.oidc.client.clientId) : undefined;
      const refusal = webdienst && loginRefusal(webdienst);
      if (refusal) {
        await audit.record({
          type: 'oidc.login_refused',
          outcome: 'failure',
          reason: refusal,
          webdienstId: webdienst.id,
          clientAddress: ctx.ip,
        });
        throw new errors.UnauthorizedClient(refusalDescription[refusal]);
      }
      return Check.NO_NEED_TO_PROMPT;
    }),
    0,
  );
  return policy;
}
