// The start page: what Poortwachter is, and outside production the demo webdienst and test citizens.
import Router from '@koa/router';
import type { Config } from '../../config/index.ts';
import type { Store } from '../stores/index.ts';
import { render } from '../http/views.ts';
import { testCitizens } from '../../seeds/development.ts';

export function startPageRoutes({ config }: { store: Store; config: Config }): Router {
  const router = new Router();
  router.get('/', async (ctx) => {
    render(ctx, 'start/index.njk', {
      environment: config.environment,
      demo: config.demo.enabled,
      testCitizens: config.seed.testData && config.environment !== 'production' ? testCitizens : [],
      publicUrl: config.publicUrl,
    });
  });
  return router;
}
