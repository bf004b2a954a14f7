// Renders nunjucks templates from views/ with the citizen's language (autoescape on: every value is escaped).
import { fileURLToPath } from 'node:url';
import type { Context } from 'koa';
import nunjucks from 'nunjucks';
import { translator, type Locale } from './i18n.ts';

const viewsDir = fileURLToPath(new URL('../../views', import.meta.url));
const environment = new nunjucks.Environment(new nunjucks.FileSystemLoader(viewsDir, { noCache: false }), {
  autoescape: true,
  throwOnUndefined: false,
});

export function renderView(template: string, locale: Locale, variables: Record<string, unknown> = {}): string {
  return environment.render(template, {
    ...variables,
    locale,
    t: translator(locale),
    otherLocale: locale === 'nl' ? 'en' : 'nl',
  });
}

/** Renders a page into the Koa response with the given status. */
export function render(ctx: Context, template: string, variables: Record<string, unknown> = {}, status = 200): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderView(template, (ctx.state.locale as Locale | undefined) ?? 'nl', { path: ctx.path, ...variables });
}
