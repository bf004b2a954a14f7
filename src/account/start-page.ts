// The start page: what Poortwachter is, and outside production the demo webdienst and test citizens.
import Router from '@koa/router';
import type { Config } from '../../config/index.ts';
import type { Store } from '../stores/index.ts';
import { render } from '../http/views.ts';
import { readSeedFile, type SeedCitizen } from '../admin/seed-file.ts';

// Notices the citizen's own pages may ask for when they send the browser here (?melding=...).
const notices = new Map([
  ['mijn_geannuleerd', 'account.notice.login_cancelled'],
  ['mijn_uitgelogd', 'account.notice.logged_out'],
]);

export function startPageRoutes({ config }: { store: Store; config: Config }): Router {
  const router = new Router();
  // The seed file is read once: the citizens it wrote, with their passwords, for whoever tries the service.
  const testCitizens: SeedCitizen[] =
    config.seed.testData && config.environment !== 'production' ? readSeedFile(config.seed.file).citizens : [];
  router.get('/', (ctx) => {
    render(ctx, 'start/index.njk', {
      environment: config.environment,
      demo: config.demo.enabled,
      testCitizens,
      publicUrl: config.publicUrl,
      notice: notices.get(String(ctx.query.melding)),
    });
  });
  return router;
}
