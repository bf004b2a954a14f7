// The start page: what Poortwachter is, and outside production the demo webdienst and test citizens.
import Router from '@koa/router';
import type { Config } from '../../config/index.ts';
import type { Store } from '../stores/index.ts';
import { render } from '../http/views.ts';
import { testCitizens } from '../../seeds/development.ts';

// Notices the citizen's own pages may ask for when they send the browser here (?melding=...).
const notices = new Map([
  ['mijn_geannuleerd', 'account.notice.login_cancelled'],
  ['mijn_uitgelogd', 'account.notice.logged_out'],
]);

export function startPageRoutes({ config }: { store: Store; config: Config }): Router {
  const router = new Router();
  router.get('/', (ctx) => {
    render(ctx, 'start/index.njk', {
      environment: config.environment,
      demo: config.demo.enabled,
      testCitizens: config.seed.testData && config.environment !== 'production' ? testCitizens : [],
      publicUrl: config.publicUrl,
      notice: notices.get(String(ctx.query.melding)),
    });
  });
  return router;
}
