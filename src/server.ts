// Entry: load config -> open store -> migrate -> seed -> keys -> createApp -> listen (STYLE.md).
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { seedDevelopmentData } from '../seeds/development.ts';
import { createApp } from './app.ts';
import { systemClock, type Clock } from './core/clock.ts';
import { loadInstanceKeys } from './core/keys.ts';
import { createOidcProvider } from './frontends/oidc/provider.ts';
import { createSamlIdp } from './frontends/saml/idp.ts';
import { createLogger } from './logger.ts';
import { createSmsGateway } from './gateways/sms/index.ts';
import { createSecondFactorServices, createServices } from './services.ts';
import { openStore, type Store } from './stores/index.ts';
import type { SmsGateway } from './gateways/sms/sms-gateway.ts';

export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  close(): Promise<void>;
}

export async function startServer(config: Config, options: { clock?: Clock; logger?: Logger; sms?: SmsGateway } = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config);
  const store = openStore(config.databaseUrl);
  const applied = await store.migrate();
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
  const services = createServices(config, store, clock);
  if (await seedDevelopmentData({ ...services.adminDeps, ...services.citizenDeps }, config)) logger.info('development seed written');
  const keys = await loadInstanceKeys(config, store, clock);
  const provider = createOidcProvider({ config, store, keys, clock, attempts: services.attempts });
  provider.on('server_error', (_ctx, error) => logger.error({ err: error }, 'oidc-provider server error'));
  const samlIdp = await createSamlIdp(config, keys, store, clock);
  const sms = options.sms ?? createSmsGateway(config, store, clock);
  const secondFactor = createSecondFactorServices(config, store, clock, keys, sms, services.audit);
  const app = createApp({ config, store, clock, logger, keys, provider, samlIdp, audit: services.audit, attempts: services.attempts, passwordStep: services.passwordStep, sms, ...secondFactor });

  const server: Server = createServer(app.callback());
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const purge = setInterval(() => {
    const now = clock.now();
    Promise.all([store.deleteExpiredOidcPayloads(now), store.deleteExpiredLoginAttempts(now), store.deleteExpiredOneTimeCodes(now), store.deleteExpiredAccountSessions(now), store.deleteExpiredSamlState(now)]).catch((error: unknown) => logger.warn({ err: error }, 'purge of expired rows failed'));
  }, 60_000);
  purge.unref();
  logger.info({ port, publicUrl: config.publicUrl, environment: config.environment, database: store.kind }, 'Poortwachter listening');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    async close() {
      clearInterval(purge);
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
