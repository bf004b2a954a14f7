// The body of a request our own routes read (forms, SOAP), up to a size limit. A body over the limit
// is left unread rather than destroyed: settleRequestBody (settle-request-body.ts) then discards the
// rest or closes the connection in order once the refusal is answered.
import type { Context } from 'koa';

/** The whole body, or undefined as soon as it proves larger than maxBytes (declared or as it arrives). */
export async function readBoundedBody(ctx: Context, maxBytes: number): Promise<Buffer | undefined> {
  const declared = ctx.request.length;
  if (declared !== undefined && declared > maxBytes) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  // destroyOnReturn false: leaving the loop early must not destroy the request, which would take the
  // keep-alive connection with it and leave the client waiting on a socket nobody reads.
  for await (const chunk of ctx.req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
