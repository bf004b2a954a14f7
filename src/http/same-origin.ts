// Refuses state-changing requests sent from another site, judged by what a
// browser tells about where a form was posted from (formPostSource below). SameSite=Lax cookies
// (RFC 6265bis 5.4.7) are the second line: a cross-site POST never carries them.
import type { Middleware } from 'koa';
import { PoortwachterError } from '../core/errors.ts';

export interface PostSourceHeaders {
  secFetchSite: string;
  origin: string;
  referer: string;
}

export type PostSource = { sameOrigin: true } | { sameOrigin: false; reason: string };

/**
 * Where a POST came from, in the order browsers make trustworthy:
 * 1. Sec-Fetch-Site (Fetch Metadata, W3C): `same-origin` passes; `same-site`, `cross-site` and `none`
 *    (typed or bookmarked, which a form post never is) do not. A present, concrete Origin that is
 *    not ours still refuses, as no browser sends that together with `same-origin`.
 * 2. Origin (RFC 6454 section 7; Fetch "serializing a request origin"), for browsers without Fetch
 *    Metadata: ours passes, another refuses; `null` (a sandboxed frame, a redirect chain through
 *    another site, or a page whose Referrer-Policy is no-referrer) refuses, since nothing else says
 *    same-origin.
 * 3. Referer, for older browsers that send neither.
 * A request with none of them is not from a browser that could be made to post it cross-site (all
 * current browsers send Origin on POST); the attempt and session cookies still have to be there.
 */
export function formPostSource(headers: PostSourceHeaders, ours: string): PostSource {
  const { secFetchSite, origin, referer } = headers;
  const foreignOrigin = origin !== '' && origin !== 'null' && origin !== ours;
  if (secFetchSite) {
    if (secFetchSite !== 'same-origin') return { sameOrigin: false, reason: `Sec-Fetch-Site ${secFetchSite}` };
    if (foreignOrigin) return { sameOrigin: false, reason: `Origin ${origin} with Sec-Fetch-Site same-origin` };
    return { sameOrigin: true };
  }
  if (origin === 'null') return { sameOrigin: false, reason: 'Origin null' };
  if (origin) return origin === ours ? { sameOrigin: true } : { sameOrigin: false, reason: `Origin ${origin}` };
  if (referer) {
    const refererOrigin = originOf(referer);
    return refererOrigin === ours ? { sameOrigin: true } : { sameOrigin: false, reason: `Referer ${refererOrigin}` };
  }
  return { sameOrigin: true };
}

export function requireSameOrigin(publicUrl: string): Middleware {
  const ours = new URL(publicUrl).origin;
  return async (ctx, next) => {
    if (ctx.method === 'POST') {
      const source = formPostSource(
        { secFetchSite: ctx.get('sec-fetch-site'), origin: ctx.get('origin'), referer: ctx.get('referer') },
        ours,
      );
      if (!source.sameOrigin) {
        throw new PoortwachterError('error.foreign_origin', {
          status: 403,
          logMessage: `form posted from another site: ${source.reason.slice(0, 120)}`,
        });
      }
    }
    await next();
  };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid';
  }
}
