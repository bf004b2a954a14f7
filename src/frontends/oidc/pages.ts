// oidc-provider's own pages (errors, logout confirmation) in our templates and languages; never a stack trace.
import type { KoaContextWithOIDC, ErrorOut } from 'oidc-provider';
import type { Locale } from '../../http/i18n.ts';
import { renderView } from '../../http/views.ts';

const localeOf = (ctx: KoaContextWithOIDC): Locale => (ctx.state?.locale as Locale | undefined) ?? 'nl';

export function renderOidcError(ctx: KoaContextWithOIDC, out: ErrorOut): void {
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderView('errors/oidc-error.njk', localeOf(ctx), {
    error: out.error,
    description: out.error_description,
  });
}

export function logoutSource(ctx: KoaContextWithOIDC, form: string): void {
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderView('logout/confirm.njk', localeOf(ctx), { form, clientName: ctx.oidc.client?.clientName });
}

export function postLogoutSuccessSource(ctx: KoaContextWithOIDC): void {
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderView('logout/done.njk', localeOf(ctx), { clientName: ctx.oidc.client?.clientName });
}
