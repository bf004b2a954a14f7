// The last line of defence: any error becomes our own page (or JSON for API callers) with the right
// status; never a stack trace, never a 500 for bad input. The log gets the log message, the citizen the text.
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { PoortwachterError } from '../core/errors.ts';
import { isDatabaseUnavailable } from '../stores/index.ts';
import { hasMessage } from './i18n.ts';
import { render } from './views.ts';

export function handleErrors(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        render(ctx, 'errors/error.njk', { code: 'error.not_found' }, 404);
      }
    } catch (caught) {
      const error = caught as Error & { status?: number; expose?: boolean };
      const known = error instanceof PoortwachterError;
      // A database that is restarting or out of reach is a passing condition: 503, try again.
      const unavailable = !known && isDatabaseUnavailable(error);
      const status = known
        ? error.status
        : typeof error.status === 'number' && error.status >= 400 && error.status < 500
          ? error.status
          : unavailable
            ? 503
            : 500;
      const code =
        known && hasMessage(error.code)
          ? error.code
          : status === 404
            ? 'error.not_found'
            : status < 500
              ? 'error.bad_request'
              : unavailable
                ? 'error.unavailable'
                : 'error.internal';
      if (unavailable) {
        ctx.set('Retry-After', '5');
        logger.warn({ reason: error.message.slice(0, 200), path: ctx.path }, 'database unavailable');
      } else if (status >= 500) logger.error({ err: error, path: ctx.path }, 'request failed');
      else
        logger.info(
          { code: known ? error.code : code, reason: error.message.slice(0, 200), path: ctx.path, status },
          'request refused',
        );
      ctx.set('Cache-Control', 'no-store');
      if (ctx.accepts('html', 'json') === 'json') {
        ctx.status = status;
        ctx.body = { error: code };
      } else {
        render(ctx, 'errors/error.njk', { code, details: known ? error.details : {} }, status);
      }
    }
  };
}
