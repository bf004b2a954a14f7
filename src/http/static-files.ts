// Serves the few static files of public/ (style sheets, logo, favicon) and the
// NL Design System style sheet from node_modules from memory; nothing else on
// disk is reachable.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';

const files: Record<string, { type: string; body: Buffer }> = {
  '/static/poortwachter.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(fileURLToPath(new URL('../../public/poortwachter.css', import.meta.url))),
  },
  '/static/saml-post.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(fileURLToPath(new URL('../../public/saml-post.js', import.meta.url))),
  },
  '/static/theme.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(fileURLToPath(new URL('../../public/theme.css', import.meta.url))),
  },
  // NL Design System: the Utrecht component library's styles for plain HTML elements under .utrecht-html.
  '/static/nlds/html.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(fileURLToPath(import.meta.resolve('@utrecht/component-library-css/dist/html.css'))),
  },
  '/static/favicon.svg': {
    type: 'image/svg+xml',
    body: readFileSync(fileURLToPath(new URL('../../public/favicon.svg', import.meta.url))),
  },
  '/static/logo.svg': {
    type: 'image/svg+xml',
    body: readFileSync(fileURLToPath(new URL('../../public/logo.svg', import.meta.url))),
  },
};

export function staticFiles(): Middleware {
  return async (ctx, next) => {
    const file = ctx.method === 'GET' ? files[ctx.path] : undefined;
    if (!file) {
      await next();
      return;
    }
    ctx.type = file.type;
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = file.body;
  };
}
