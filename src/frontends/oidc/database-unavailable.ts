// oidc-provider answers its own errors: a database that is restarting or out of reach would reach the
// citizen or the webdienst as a 500 server_error. This turns those answers into 503 with Retry-After
// (the token endpoint: OAuth's temporarily_unavailable), so clients know to try again.
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { render } from '../../http/views.ts';
import { isDatabaseUnavailable } from '../../core/errors.ts';

export function answerDatabaseUnavailable(provider: Provider): Middleware {
  provider.on('server_error', (ctx, error) => {
    if (isDatabaseUnavailable(error)) ctx.state.databaseUnavailable = true;
  });
  return async (ctx, next) => {
    await next();
    if (!ctx.state.databaseUnavailable || ctx.status !== 500) return;
    ctx.set('Retry-After', '5');
    if (ctx.body && typeof ctx.body === 'object' && 'error' in ctx.body) {
      ctx.status = 503;
      ctx.body = {
        error: 'temporarily_unavailable',
        error_description: 'the service is briefly unavailable; try again in a few seconds',
      };
    } else {
      render(ctx, 'errors/error.njk', { code: 'error.unavailable' }, 503);
    }
  };
}
