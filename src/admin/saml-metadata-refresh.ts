// The scheduled refresh of SAML metadata registered by URL. Each source is claimed first (a lease in
// the database), so one process fetches it however many run. A success replaces the webdienst's
// registration (keys, ACS, validUntil; every process reads it within the webdienst cache's few
// seconds) and is audited; a failure keeps the last good metadata in force, and is recorded (last
// error, next attempt), audited and logged without the metadata itself.
import { samlRegistrationOf } from '../frontends/saml/sp-metadata.ts';
import { MetadataRefused } from '../frontends/saml/signed-metadata.ts';
import type { SamlMetadataSourceRow } from '../stores/index.ts';
import { byOperator, type AdminDeps } from './organisations.ts';
import {
  failureOf,
  nextRefreshAt,
  nextRetryAt,
  readMetadataFromUrl,
  type MetadataUrlDeps,
} from './saml-metadata-url.ts';

export type RefreshOutcome = 'refreshed' | 'not_modified' | 'failed' | 'skipped';

export interface RefreshResult {
  outcome: RefreshOutcome;
  reason?: string;
  message?: string;
}

export interface MetadataRefreshDeps extends AdminDeps, MetadataUrlDeps {
  /** Told of every attempt's outcome (the /metrics counter). */
  onRefresh?: (outcome: RefreshOutcome, reason?: string) => void;
  logger?: {
    info(fields: Record<string, unknown>, message: string): void;
    warn(fields: Record<string, unknown>, message: string): void;
  };
}

/** The URL without its query: enough to know which one, nothing a query could carry. */
const shownUrl = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
};

async function attempt(deps: MetadataRefreshDeps, source: SamlMetadataSourceRow): Promise<RefreshResult> {
  const webdienst = await deps.store.findWebdienstById(source.webdienstId);
  if (!webdienst || webdienst.protocol !== 'saml') {
    // Removed since: nothing left to refresh.
    await deps.store.deleteSamlMetadataSource(source.webdienstId);
    return { outcome: 'skipped', reason: 'webdienst_removed' };
  }
  const current = samlRegistrationOf(webdienst);
  const now = deps.clock.now();
  try {
    const read = await readMetadataFromUrl(deps, source, current.responseBinding, {
      oin: webdienst.organisation.oin,
      allowSelfSigned: current.allowSelfSigned === true && deps.environment !== 'production',
    });
    if (!read.modified) {
      if (source.validUntil !== null && source.validUntil <= now)
        throw new MetadataRefused(
          'expired',
          `the metadata expired: validUntil ${new Date(source.validUntil).toISOString()} and the URL still serves it`,
        );
      await deps.store.recordSamlMetadataSuccess(source.webdienstId, {
        at: now,
        etag: source.etag,
        lastModified: source.lastModified,
        validUntil: source.validUntil,
        cacheDurationMs: source.cacheDurationMs,
        nextAttemptAt: nextRefreshAt(now, source, deps.samlMetadata),
      });
      return { outcome: 'not_modified' };
    }
    // The entityID is the webdienst's identity (the Issuer it is found by): other metadata is not its own.
    if (read.registration.entityId !== webdienst.clientId)
      throw new MetadataRefused(
        'entity_id_changed',
        `the metadata is for entityID ${read.registration.entityId}, not ${webdienst.clientId}`,
      );
    await deps.store.inTransaction(async (store) => {
      await store.updateWebdienstProtocolMetadata(webdienst.id, read.registration);
      await store.recordSamlMetadataSuccess(source.webdienstId, {
        at: now,
        etag: read.etag,
        lastModified: read.lastModified,
        validUntil: read.validUntil,
        cacheDurationMs: read.cacheDurationMs,
        nextAttemptAt: nextRefreshAt(now, read, deps.samlMetadata),
      });
    });
    deps.store.forgetCachedWebdiensten();
    await deps.audit.record({
      type: 'admin.saml_metadata_refreshed',
      outcome: 'success',
      webdienstId: webdienst.id,
      details: {
        url: shownUrl(source.url),
        validUntil: new Date(read.validUntil).toISOString(),
        signingCertificates: read.registration.signingCertificates.length,
        assertionConsumerServices: read.registration.assertionConsumerServices.length,
        ...byOperator(deps),
      },
    });
    return { outcome: 'refreshed' };
  } catch (error) {
    const failure = failureOf(error) ?? { reason: 'internal_error', message: 'an unexpected error' };
    if (!failureOf(error)) deps.logger?.warn({ err: error, webdienstId: webdienst.id }, 'SAML metadata refresh broke');
    await deps.store.recordSamlMetadataFailure(source.webdienstId, {
      at: now,
      error: failure.message,
      nextAttemptAt: nextRetryAt(now, source.consecutiveFailures + 1, deps.samlMetadata),
    });
    await deps.audit.record({
      type: 'admin.saml_metadata_refresh_failed',
      outcome: 'failure',
      reason: failure.reason,
      webdienstId: webdienst.id,
      details: { url: shownUrl(source.url), message: failure.message.slice(0, 300), ...byOperator(deps) },
    });
    deps.logger?.warn(
      { webdienstId: webdienst.id, url: shownUrl(source.url), reason: failure.reason },
      'SAML metadata refresh failed; the last good metadata stays in force',
    );
    return { outcome: 'failed', ...failure };
  }
}

/**
 * Refreshes one webdienst's metadata when it is due (or at once with `force`); 'skipped' when it is not
 * due or another process is refreshing it now.
 */
export async function refreshSamlMetadata(
  deps: MetadataRefreshDeps,
  webdienstId: string,
  options: { force?: boolean } = {},
): Promise<RefreshResult> {
  const now = deps.clock.now();
  // The lease outlasts one fetch by far; a process that dies holding it only delays the next attempt.
  const leaseUntil = now + deps.samlMetadata.fetchTimeoutMs * 2 + 60_000;
  if (!(await deps.store.claimSamlMetadataSource(webdienstId, now, leaseUntil, options)))
    return { outcome: 'skipped', reason: 'not_due_or_claimed' };
  const source = await deps.store.findSamlMetadataSource(webdienstId);
  if (!source) return { outcome: 'skipped', reason: 'no_source' };
  const result = await attempt(deps, source);
  if (result.outcome !== 'skipped') deps.onRefresh?.(result.outcome, result.reason);
  return result;
}

/** One run of the job: every source that is due, one after the other. */
export async function refreshDueSamlMetadata(deps: MetadataRefreshDeps): Promise<Record<RefreshOutcome, number>> {
  const counts: Record<RefreshOutcome, number> = { refreshed: 0, not_modified: 0, failed: 0, skipped: 0 };
  for (const webdienstId of await deps.store.listDueSamlMetadataSources(deps.clock.now(), 100)) {
    counts[(await refreshSamlMetadata(deps, webdienstId)).outcome] += 1;
  }
  return counts;
}

/** Starts the periodic refresh (intervalSeconds 0: none); the stop function waits for a run in progress. */
export function scheduleSamlMetadataRefresh(deps: MetadataRefreshDeps, intervalSeconds: number): () => Promise<void> {
  if (intervalSeconds === 0) return () => Promise.resolve();
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return; // runs of one process never overlap
    running = refreshDueSamlMetadata(deps)
      .then(
        (counts) => {
          if (counts.refreshed || counts.failed) deps.logger?.info({ ...counts }, 'SAML metadata refresh run');
        },
        (error: unknown) => deps.logger?.warn({ err: error }, 'SAML metadata refresh run failed'),
      )
      .finally(() => {
        running = undefined;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
