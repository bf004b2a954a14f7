// Notices a page may be asked to show after a change (?melding=...): only these keys, never free text.
import type { Context } from 'koa';

const notices = new Map([
  ['toegevoegd', 'beheer.notice.added'],
  ['gewijzigd', 'beheer.notice.changed'],
  ['niets_gewijzigd', 'beheer.notice.nothing_changed'],
  ['geschorst', 'beheer.notice.suspended'],
  ['hervat', 'beheer.notice.resumed'],
  ['verwijderd', 'beheer.notice.removed'],
]);

export type Notice = 'toegevoegd' | 'gewijzigd' | 'niets_gewijzigd' | 'geschorst' | 'hervat' | 'verwijderd';

export const noticeOf = (ctx: Context): string | undefined => notices.get(String(ctx.query.melding));

/** Post/redirect/get: after a change the browser asks the page again, with the notice to show. */
export function redirectWithNotice(ctx: Context, path: string, notice: Notice): void {
  ctx.status = 303;
  ctx.redirect(`${path}?melding=${notice}`);
}
