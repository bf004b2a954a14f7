// Entry: load config -> open store -> migrate -> seed -> keys -> createApp -> listen.
import { createConnectionObserver } from './core/checklist/observer.ts';
import { observeOidcConnections } from './frontends/oidc/connection-observer.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { seedDevelopmentDatabase } from './admin/seed.ts';
import { createApp } from './app.ts';
import { systemClock, type Clock } from './core/clock.ts';
import { loadInstanceKeys } from './core/keys.ts';
import { createMaintenanceMode } from './core/maintenance.ts';
import { refuseTestDataInProduction } from './core/test-data.ts';
import { backchannelLogoutNotifier } from './frontends/oidc/backchannel-logout.ts';
import { createOidcProvider } from './frontends/oidc/provider.ts';
import { createSingleLogout } from './core/sso/single-logout.ts';
import { createSamlIdp } from './frontends/saml/idp.ts';
import { soapLogoutNotifier } from './frontends/saml/soap-logout.ts';
import { createLogger } from './logger.ts';
import { createSmsGateway } from './gateways/sms/index.ts';
import { meteredSmsGateway } from './gateways/sms/metered.ts';
import { closeGracefully } from './http/graceful-shutdown.ts';
import { answerClientErrors } from './http/client-errors.ts';
import type { Lifecycle } from './http/health.ts';
import { createMetrics } from './http/metrics.ts';
import { countLogins } from './http/metrics-logins.ts';
import { metricsServed } from './http/metrics-routes.ts';
import { createLifecycleDeps, createSecondFactorServices, createServices } from './services.ts';
import { sealTotpSecrets } from './core/second-factor/totp-secret-start.ts';
import { purgeKinds, purgeSettings } from './core/housekeeping/purge-expired.ts';
import { schedulePurge } from './core/housekeeping/purge-schedule.ts';
import { scheduleSamlMetadataRefresh } from './admin/saml-metadata-refresh.ts';
import { samlMetadataSettings } from './admin/saml-metadata-url.ts';
import { openStore, type Store } from './stores/index.ts';
import { configuredCertificateTrust } from './core/trust/certificate-trust.ts';
import { backChannelServer, frontChannelServer, listen, soapClientTls } from './http/listeners.ts';
import type { SmsGateway } from './core/second-factor/sms-gateway.ts';
import type { PopulationRegister } from './core/register/population-register.ts';
import type { LetterGateway } from './core/letters/letter-gateway.ts';

export interface RunningServer {
  url: string;
  port: number;
  /** The port of the mutual-TLS back-channel listener, when configured (BACK_CHANNEL_CLIENT_CERTS=listener). */
  backChannelPort?: number;
  store: Store;
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  options: {
    clock?: Clock;
    logger?: Logger;
    sms?: SmsGateway;
    /** Listen on this address only (every address when unset). */
    host?: string;
    register?: PopulationRegister;
    letters?: LetterGateway;
  } = {},
): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config);
  // The trust anchors and CRLs are read before anything else: a bad file stops the start, naming it.
  const trust = configuredCertificateTrust(config, clock);
  // So are the TLS files of the listeners; the listeners hand requests to the app once it is built.
  const built: { handle?: (request: IncomingMessage, response: ServerResponse) => Promise<void> } = {};
  const serve = (request: IncomingMessage, response: ServerResponse) => void built.handle!(request, response);
  const front = frontChannelServer(config, serve);
  const backChannel = backChannelServer(config, serve);
  const soapTls = soapClientTls(config);
  const store = openStore(config.databaseUrl);
  const applied = await store.migrate();
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
  await refuseTestDataInProduction(store, config.environment).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const services = createServices(config, store, clock);
  if (await seedDevelopmentDatabase({ ...services.adminDeps, ...services.citizenDeps }, config))
    logger.info('development seed written');
  const keys = await loadInstanceKeys(config, store, clock);
  const maintenance = createMaintenanceMode({ store, clock, refreshSeconds: config.maintenance.refreshSeconds });
  const provider = createOidcProvider({
    config,
    trust,
    store,
    keys,
    clock,
    attempts: services.attempts,
    sso: services.ssoSessions,
    audit: services.audit,
    maintenance,
  });
  provider.on('server_error', (_ctx, error) => logger.error({ err: error }, 'oidc-provider server error'));
  const samlIdp = await createSamlIdp(config, keys, store, clock);
  // The automated connection checklist: what webdiensten do, observed outside production.
  const observer = createConnectionObserver(store, clock, config.environment);
  observeOidcConnections(provider, observer, store);
  const metrics = createMetrics({ hasher: services.hasher, store });
  services.audit.observe(countLogins(metrics, store));
  if (config.metrics.enabled && !metricsServed(config))
    logger.warn('/metrics is off: production serves it only with METRICS_TOKEN');
  const sms = meteredSmsGateway(options.sms ?? createSmsGateway(config, store, clock), {
    sent: (gateway) => metrics.smsSent.inc({ gateway }),
    failed: (gateway, reason) => metrics.smsFailures.inc({ gateway, reason }),
  });
  const lifecycle: Lifecycle = { draining: false };
  const { totpSecrets, ...secondFactor } = createSecondFactorServices(config, store, clock, keys, sms, services.audit);
  await sealTotpSecrets({ store, box: totpSecrets, audit: services.audit }, logger);
  const singleLogout = createSingleLogout({
    sso: services.ssoSessions,
    store,
    audit: services.audit,
    notifiers: {
      oidc: backchannelLogoutNotifier(provider),
      saml: soapLogoutNotifier({
        idp: samlIdp,
        store,
        clock,
        pairwiseSalt: keys.pairwiseSalt,
        allowPrivateNetworkCalls: config.allowPrivateNetworkCalls,
        logger,
        observer,
        trust,
        ...soapTls,
      }),
    },
  });
  const accountLifecycle = createLifecycleDeps(config, store, clock, keys, sms, services, totpSecrets, {
    register: options.register,
    letters: options.letters,
  });
  const app = createApp({
    observer,
    config,
    store,
    clock,
    logger,
    keys,
    provider,
    samlIdp,
    metrics,
    lifecycle,
    audit: services.audit,
    attempts: services.attempts,
    passwordStep: services.passwordStep,
    sms,
    sso: services.ssoSessions,
    singleLogout,
    maintenance,
    accountLifecycle,
    trust,
    ...secondFactor,
  });

  // koa answers every error itself (ctx.onerror), so the promise of a request never rejects.
  built.handle = app.callback();
  const server: Server = front?.server ?? createServer(serve);
  server.keepAliveTimeout = 5000;
  answerClientErrors(server);
  const port = await listen(server, config.port, options.host);
  const backChannelPort = backChannel && (await listen(backChannel.server, config.backChannel.port!));
  const tlsListeners = [front, backChannel].filter((listener) => listener !== undefined);
  const reloadTls = setInterval(() => {
    for (const listener of tlsListeners) {
      try {
        if (listener.reload()) logger.info('TLS certificate files changed: new connections get the new certificate');
      } catch (error) {
        logger.warn({ err: error }, 'TLS certificate files could not be read again; the ones read before stay in use');
      }
    }
  }, config.tls.reloadSeconds * 1000);
  reloadTls.unref();
  // SAML metadata registered by URL is read again when due; one process fetches each source.
  for (const outcome of ['refreshed', 'not_modified', 'failed'])
    metrics.samlMetadataRefreshes.inc({ outcome, reason: '' }, 0);
  const stopMetadataRefresh = scheduleSamlMetadataRefresh(
    {
      ...services.adminDeps,
      environment: config.environment,
      trust,
      samlMetadata: samlMetadataSettings(config),
      logger,
      onRefresh: (outcome, reason) =>
        metrics.samlMetadataRefreshes.inc({ outcome, reason: outcome === 'failed' ? (reason ?? '') : '' }),
    },
    config.samlMetadata.refreshCheckSeconds,
  );
  for (const kind of purgeKinds) metrics.purgedRows.inc({ kind }, 0);
  const stopPurge = schedulePurge(
    {
      store,
      clock,
      settings: purgeSettings(config),
      onPurged: (kind, rows) => metrics.purgedRows.inc({ kind }, rows),
    },
    config.housekeeping.intervalSeconds,
    logger,
  );
  // Audit events wait in audit_pending until they are chained (src/stores/audit-events.ts): every
  // process tries each second, the one that gets the seal lock chains everything pending.
  let sealFailures = 0;
  const sealAudit = setInterval(() => {
    store.sealAuditEvents().then(
      () => (sealFailures = 0),
      (error: unknown) => {
        // A database restart fails a few rounds; say so once per streak, not every second.
        if (sealFailures++ === 0) logger.warn({ err: error }, 'sealing the audit events failed; trying again');
      },
    );
  }, 1000);
  sealAudit.unref();
  const reloadTrust = setInterval(() => {
    try {
      trust.reload();
    } catch (error) {
      logger.warn({ err: error }, 'trust anchors or CRLs could not be read again; the ones read before stay in force');
    }
  }, config.trust.crlRefreshSeconds * 1000);
  reloadTrust.unref();
  logger.info(
    { port, publicUrl: config.publicUrl, environment: config.environment, database: store.kind },
    'Poortwachter listening',
  );
  return {
    url: `${front ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    ...(backChannelPort !== undefined ? { backChannelPort } : {}),
    store,
    async close() {
      // /readyz says 503 first, the load balancer moves new logins elsewhere, then the port
      // closes and the requests in flight finish.
      lifecycle.draining = true;
      if (config.shutdown.drainSeconds > 0)
        await new Promise((resolve) => setTimeout(resolve, config.shutdown.drainSeconds * 1000));
      await stopMetadataRefresh();
      await stopPurge();
      clearInterval(reloadTrust);
      clearInterval(reloadTls);
      await Promise.all(
        [server, ...(backChannel ? [backChannel.server] : [])].map((listener) =>
          closeGracefully(listener, config.shutdown.timeoutSeconds * 1000),
        ),
      );
      // Events still pending stay in the database; the next process to seal (or `audit verify`) chains them.
      clearInterval(sealAudit);
      await store.close();
    },
  };
}
