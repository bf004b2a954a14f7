// Reads a small urlencoded form body for our own routes (never in front of oidc-provider).
import type { Context } from 'koa';
import { PoortwachterError } from '../core/errors.ts';
import { readBoundedBody } from './request-body.ts';

const defaultMaxBytes = 16 * 1024;

/** The form's fields (the first of each name); a body over maxBytes (16 KiB unless told) is refused with 413. */
export async function readForm(ctx: Context, maxBytes = defaultMaxBytes): Promise<Record<string, string>> {
  const type = ctx.get('content-type').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new PoortwachterError('error.bad_form', {
      status: 415,
      logMessage: `form posted as ${type || 'no content type'}`,
    });
  }
  const body = await readBoundedBody(ctx, maxBytes);
  if (!body)
    throw new PoortwachterError('error.form_too_large', {
      status: 413,
      logMessage: `form body over ${maxBytes / 1024} KiB`,
    });
  const params = new URLSearchParams(body.toString('utf8'));
  const form: Record<string, string> = {};
  for (const [key, value] of params) if (!(key in form)) form[key] = value;
  return form;
}
