// The public pages of the account life cycle, as one table of routes. Every form
// is guarded by the same-origin check.
import Router from '@koa/router';
import { requireSameOrigin } from '../http/same-origin.ts';
import { activatedPath, activationHandlers, activationPath } from './activation-routes.ts';
import type { LifecyclePageDeps } from './deps.ts';
import {
  recoveredPath,
  recoveryCodePath,
  recoveryHandlers,
  recoveryPath,
  recoverySentPath,
} from './recovery-routes.ts';
import { requestHandlers, requestPath, requestSentPath } from './request-routes.ts';

export function lifecyclePageRoutes(deps: LifecyclePageDeps): Router {
  const router = new Router();
  const sameOrigin = requireSameOrigin(deps.config.publicUrl);
  const request = requestHandlers(deps);
  const activation = activationHandlers(deps);
  const recovery = recoveryHandlers(deps);

  router.get(requestPath, request.form);
  router.post(requestPath, sameOrigin, request.submit);
  router.get(requestSentPath, request.sent);
  router.get(activationPath, activation.form);
  router.post(activationPath, sameOrigin, activation.submit);
  router.get(activatedPath, activation.done);
  router.get(recoveryPath, recovery.form);
  router.post(recoveryPath, sameOrigin, recovery.submit);
  router.get(recoverySentPath, recovery.sent);
  router.get(recoveryCodePath, recovery.codeForm);
  router.post(recoveryCodePath, sameOrigin, recovery.codeSubmit);
  router.get(recoveredPath, recovery.done);
  return router;
}
