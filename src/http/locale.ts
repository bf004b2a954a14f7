// Picks the citizen's language: ?lang= (remembered in a cookie), the cookie, then Accept-Language; Dutch by default.
import type { Middleware } from 'koa';
import { isLocale, translator, type Locale } from './i18n.ts';

export function chooseLocale(): Middleware {
  return async (ctx, next) => {
    const asked = ctx.query.lang;
    let locale: Locale | undefined;
    if (isLocale(asked)) {
      locale = asked;
      ctx.cookies.set('lang', asked, {
        httpOnly: true,
        sameSite: 'lax',
        maxAge: 365 * 24 * 3600 * 1000,
        signed: false,
        overwrite: true,
      });
    }
    const remembered = ctx.cookies.get('lang');
    locale ??= isLocale(remembered) ? remembered : undefined;
    locale ??= ctx.acceptsLanguages('nl', 'en') === 'en' ? 'en' : 'nl';
    ctx.state.locale = locale;
    ctx.state.t = translator(locale);
    await next();
  };
}
