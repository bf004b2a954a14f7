// Refuses state-changing requests sent from another site (SECURITY-TESTS.md 6): a browser names the
// page's origin in Origin (or Referer); it must be our PUBLIC_URL.
import type { Middleware } from 'koa';
import { PoortwachterError } from '../core/errors.ts';

export function requireSameOrigin(publicUrl: string): Middleware {
  const ours = new URL(publicUrl).origin;
  return async (ctx, next) => {
    if (ctx.method === 'POST') {
      const origin = ctx.get('origin') || (ctx.get('referer') ? safeOrigin(ctx.get('referer')) : '');
      if (origin && origin !== ours) {
        throw new PoortwachterError('error.foreign_origin', {
          status: 403,
          logMessage: `form posted from foreign origin ${origin.slice(0, 100)}`,
        });
      }
    }
    await next();
  };
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid';
  }
}
