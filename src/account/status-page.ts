// The public status page: no login, Dutch or English, current and planned disruptions;
// maintenance in force shows as a current one. JSON for monitoring when asked for.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Clock } from '../core/clock.ts';
import type { MaintenanceMode } from '../core/maintenance.ts';
import { statusOverview } from '../core/status-overview.ts';
import type { Locale } from '../http/i18n.ts';
import { localTime } from '../http/local-time.ts';
import { render } from '../http/views.ts';
import type { StatusDisruptionRow, Store } from '../stores/index.ts';

export const statusPath = '/status';

export interface StatusPageDeps {
  store: Pick<Store, 'listStatusDisruptions'>;
  maintenance: MaintenanceMode;
  clock: Clock;
}

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

function inLanguage(disruption: StatusDisruptionRow, locale: Locale) {
  const en = locale === 'en';
  return {
    title: en ? disruption.titleEn : disruption.titleNl,
    description: en
      ? (disruption.descriptionEn ?? disruption.descriptionNl)
      : (disruption.descriptionNl ?? disruption.descriptionEn),
    from: localTime(disruption.startsAt, locale),
    to: localTime(disruption.endsAt, locale),
  };
}

export function statusPageRoutes(deps: StatusPageDeps): Router {
  const router = new Router();
  router.get(statusPath, async (ctx: Context) => {
    const overview = await statusOverview(deps);
    ctx.set('Cache-Control', 'no-store');
    if (ctx.accepts('html', 'json') === 'json') {
      const disruption = (row: StatusDisruptionRow) => ({
        id: row.id,
        from: iso(row.startsAt),
        to: iso(row.endsAt),
        title_nl: row.titleNl,
        title_en: row.titleEn,
        description_nl: row.descriptionNl,
        description_en: row.descriptionEn,
      });
      ctx.body = {
        maintenance: overview.maintenance
          ? {
              since: iso(overview.maintenance.startedAt),
              until: iso(overview.maintenance.expectedEndAt),
              message_nl: overview.maintenance.messageNl,
              message_en: overview.maintenance.messageEn,
            }
          : null,
        current: overview.current.map(disruption),
        planned: overview.planned.map(disruption),
      };
      return;
    }
    const locale = (ctx.state.locale as Locale | undefined) ?? 'nl';
    const now = deps.clock.now();
    const maintenance = overview.maintenance;
    render(ctx, 'status/index.njk', {
      maintenance: maintenance && {
        message:
          locale === 'en'
            ? (maintenance.messageEn ?? maintenance.messageNl)
            : (maintenance.messageNl ?? maintenance.messageEn),
        since: localTime(maintenance.startedAt, locale),
        expectedEnd:
          maintenance.expectedEndAt !== null && maintenance.expectedEndAt > now
            ? localTime(maintenance.expectedEndAt, locale)
            : undefined,
      },
      current: overview.current.map((row) => inLanguage(row, locale)),
      planned: overview.planned.map((row) => inLanguage(row, locale)),
      checkedAt: localTime(now, locale),
    });
  });
  return router;
}
