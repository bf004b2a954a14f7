// SAML metadata read from a URL: the source of each such webdienst (URL, the certificate that signs
// the metadata) and the state of its scheduled refresh. A refresh is claimed with one conditional
// UPDATE (a lease), so of several processes, or several runs in one, only one fetches a source at a
// time, on sqlite as on PostgreSQL.
import type { Database } from './database.ts';

export interface SamlMetadataSourceRow {
  webdienstId: string;
  url: string;
  /** Base64 DER body of the certificate whose key must sign the metadata. */
  signingCertificate: string;
  etag: string | null;
  lastModified: string | null;
  /** validUntil of the metadata in force (epoch ms). */
  validUntil: number | null;
  cacheDurationMs: number | null;
  lastSuccessAt: number | null;
  lastAttemptAt: number | null;
  lastErrorAt: number | null;
  lastError: string | null;
  consecutiveFailures: number;
  nextAttemptAt: number;
  leaseUntil: number | null;
  createdAt: number;
}

export interface SamlMetadataSuccess {
  at: number;
  etag: string | null;
  lastModified: string | null;
  validUntil: number | null;
  cacheDurationMs: number | null;
  nextAttemptAt: number;
}

interface SamlMetadataSourceRecord {
  webdienst_id: string;
  url: string;
  signing_certificate: string;
  etag: string | null;
  last_modified: string | null;
  valid_until: number | string | null;
  cache_duration_ms: number | string | null;
  last_success_at: number | string | null;
  last_attempt_at: number | string | null;
  last_error_at: number | string | null;
  last_error: string | null;
  consecutive_failures: number | string;
  next_attempt_at: number | string;
  lease_until: number | string | null;
  created_at: number | string;
}

const timeOrNull = (value: number | string | null): number | null => (value === null ? null : Number(value));

function toRow(record: SamlMetadataSourceRecord): SamlMetadataSourceRow {
  return {
    webdienstId: record.webdienst_id,
    url: record.url,
    signingCertificate: record.signing_certificate,
    etag: record.etag,
    lastModified: record.last_modified,
    validUntil: timeOrNull(record.valid_until),
    cacheDurationMs: timeOrNull(record.cache_duration_ms),
    lastSuccessAt: timeOrNull(record.last_success_at),
    lastAttemptAt: timeOrNull(record.last_attempt_at),
    lastErrorAt: timeOrNull(record.last_error_at),
    lastError: record.last_error,
    consecutiveFailures: Number(record.consecutive_failures),
    nextAttemptAt: Number(record.next_attempt_at),
    leaseUntil: timeOrNull(record.lease_until),
    createdAt: Number(record.created_at),
  };
}

function toRecord(row: SamlMetadataSourceRow): SamlMetadataSourceRecord {
  return {
    webdienst_id: row.webdienstId,
    url: row.url,
    signing_certificate: row.signingCertificate,
    etag: row.etag,
    last_modified: row.lastModified,
    valid_until: row.validUntil,
    cache_duration_ms: row.cacheDurationMs,
    last_success_at: row.lastSuccessAt,
    last_attempt_at: row.lastAttemptAt,
    last_error_at: row.lastErrorAt,
    last_error: row.lastError === null ? null : row.lastError.slice(0, 500),
    consecutive_failures: row.consecutiveFailures,
    next_attempt_at: row.nextAttemptAt,
    lease_until: row.leaseUntil,
    created_at: row.createdAt,
  };
}

export function samlMetadataSourceStore(db: Database) {
  const table = () => db<SamlMetadataSourceRecord>('saml_metadata_sources');
  return {
    /** The webdienst's metadata now comes from this URL: a new source, or one that replaces the old. */
    async saveSamlMetadataSource(row: SamlMetadataSourceRow): Promise<void> {
      await table().where({ webdienst_id: row.webdienstId }).delete();
      await table().insert(toRecord(row));
    },
    /** The webdienst's metadata no longer comes from a URL (`update-saml --metadata FILE`). */
    async deleteSamlMetadataSource(webdienstId: string): Promise<void> {
      await table().where({ webdienst_id: webdienstId }).delete();
    },
    async findSamlMetadataSource(webdienstId: string): Promise<SamlMetadataSourceRow | undefined> {
      const record = await table().where({ webdienst_id: webdienstId }).first();
      return record ? toRow(record) : undefined;
    },
    async listSamlMetadataSources(): Promise<SamlMetadataSourceRow[]> {
      return (await table().orderBy('webdienst_id')).map(toRow);
    },
    /** Sources whose next attempt is due and that no process holds now, soonest first. */
    async listDueSamlMetadataSources(now: number, limit: number): Promise<string[]> {
      const records = await table()
        .select('webdienst_id')
        .where('next_attempt_at', '<=', now)
        .andWhere((query) => {
          query.whereNull('lease_until').orWhere('lease_until', '<', now);
        })
        .orderBy('next_attempt_at')
        .limit(limit);
      return records.map((record) => record.webdienst_id);
    },
    /**
     * Claims the source's refresh until leaseUntil; false when it is not due (unless forced) or another
     * run holds it. One UPDATE with its condition: of two claims at once, exactly one changes the row.
     */
    async claimSamlMetadataSource(
      webdienstId: string,
      now: number,
      leaseUntil: number,
      options: { force?: boolean } = {},
    ): Promise<boolean> {
      const query = table()
        .where({ webdienst_id: webdienstId })
        .andWhere((q) => {
          q.whereNull('lease_until').orWhere('lease_until', '<', now);
        });
      if (!options.force) query.andWhere('next_attempt_at', '<=', now);
      return (await query.update({ lease_until: leaseUntil, last_attempt_at: now })) === 1;
    },
    /** The metadata in force was fetched again (or was not modified): the state after a success. */
    async recordSamlMetadataSuccess(webdienstId: string, success: SamlMetadataSuccess): Promise<void> {
      await table().where({ webdienst_id: webdienstId }).update({
        etag: success.etag,
        last_modified: success.lastModified,
        valid_until: success.validUntil,
        cache_duration_ms: success.cacheDurationMs,
        last_success_at: success.at,
        consecutive_failures: 0,
        next_attempt_at: success.nextAttemptAt,
        lease_until: null,
      });
    },
    /** A refresh failed: the metadata in force stays; the error and the next attempt are kept. */
    async recordSamlMetadataFailure(
      webdienstId: string,
      failure: { at: number; error: string; nextAttemptAt: number },
    ): Promise<void> {
      await table()
        .where({ webdienst_id: webdienstId })
        .update({
          last_error_at: failure.at,
          last_error: failure.error.slice(0, 500),
          consecutive_failures: db.raw('consecutive_failures + 1'),
          next_attempt_at: failure.nextAttemptAt,
          lease_until: null,
        });
    },
  };
}
export type SamlMetadataSourceStore = ReturnType<typeof samlMetadataSourceStore>;
