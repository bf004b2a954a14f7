// One fuzz case: an HTTP request and the name of the generator that made it (for the report).
export interface FuzzRequest {
  /** Generator and mutation, e.g. "saml-redirect/bad-deflate". */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS' | 'HEAD';
  /** Path and query as sent, not normalised (it may hold broken percent-encoding on purpose). */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** A surrogate pair stays; a lone half becomes U+FFFD. */
const wellFormed = (half: string, offset: number, text: string): string => {
  const code = half.charCodeAt(0);
  const pairsWithNext = code < 0xdc00 && /[\udc00-\udfff]/.test(text[offset + 1] ?? '');
  const pairsWithPrevious = code >= 0xdc00 && /[\ud800-\udbff]/.test(text[offset - 1] ?? '');
  return pairsWithNext || pairsWithPrevious ? half : '\ufffd';
};

/** Percent-encoded; a lone surrogate cannot be (it is not text), so it goes as U+FFFD, as a browser sends it. */
export const encode = (text: string): string => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, wellFormed));

/** application/x-www-form-urlencoded from pairs, keeping duplicates and order. */
export function form(pairs: Array<[string, string]>): string {
  return pairs.map(([key, value]) => `${encode(key)}=${encode(value)}`).join('&');
}

/** A path with a query string from pairs (duplicates kept). */
export function withQuery(path: string, pairs: Array<[string, string]>): string {
  return pairs.length ? `${path}?${form(pairs)}` : path;
}

/** The path and query of an absolute URL (discovery endpoints are absolute). */
export function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}
