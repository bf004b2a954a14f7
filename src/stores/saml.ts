// SAML front-end state, shared by every process: verified AuthnRequests waiting
// for the login layer, whose (webdienst, request ID) pair is unique (the replay store), and artifacts.
import type { Database } from './database.ts';

export interface SamlRequestRow {
  id: string;
  webdienstId: string;
  requestId: string;
  browserBinding: string;
  payload: Record<string, unknown>;
  createdAt: number;
  expiresAt: number;
}

export interface SamlArtifactRow {
  id: string;
  webdienstId: string;
  responseXml: string;
  createdAt: number;
  expiresAt: number;
}

interface SamlRequestRecord {
  id: string;
  webdienst_id: string;
  request_id: string;
  browser_binding: string;
  payload: string;
  created_at: number;
  expires_at: number;
}

/** What taking an artifact returns of its row (saml_artifacts, migration 005). */
interface TakenArtifact {
  response_xml: string | null;
}

export function samlStore(db: Database) {
  const requests = () => db<SamlRequestRecord>('saml_requests');
  return {
    /** Stores a verified request; false when this webdienst already sent this request ID (replay). */
    async insertSamlRequest(row: SamlRequestRow): Promise<boolean> {
      // One statement: a request ID this webdienst already used inserts nothing, so nothing comes back.
      const inserted: Array<{ id: string }> = await requests()
        .insert({
          id: row.id,
          webdienst_id: row.webdienstId,
          request_id: row.requestId,
          browser_binding: row.browserBinding,
          payload: JSON.stringify(row.payload),
          created_at: row.createdAt,
          expires_at: row.expiresAt,
        })
        .onConflict(['webdienst_id', 'request_id'])
        .ignore()
        .returning('id');
      return inserted.length === 1 && inserted[0]!.id === row.id;
    },
    async findSamlRequest(id: string): Promise<SamlRequestRow | undefined> {
      const record = await requests().where({ id }).first();
      if (!record) return undefined;
      return {
        id: record.id,
        webdienstId: record.webdienst_id,
        requestId: record.request_id,
        browserBinding: record.browser_binding,
        payload: JSON.parse(record.payload) as Record<string, unknown>,
        createdAt: Number(record.created_at),
        expiresAt: Number(record.expires_at),
      };
    },
    async insertSamlArtifact(row: SamlArtifactRow): Promise<void> {
      await db('saml_artifacts').insert({
        id: row.id,
        webdienst_id: row.webdienstId,
        response_xml: row.responseXml,
        created_at: row.createdAt,
        expires_at: row.expiresAt,
        resolved_at: null,
      });
    },
    /**
     * The stored Response, once: only for the webdienst it was issued to, only before it expires. One
     * statement takes the row away with its Response, so a second ArtifactResolve finds nothing, as
     * for an unknown artifact.
     */
    async takeSamlArtifact(id: string, webdienstId: string, now: number): Promise<string | undefined> {
      // Raw: knex writes no RETURNING for a sqlite DELETE; both databases have it (sqlite since 3.35).
      const result = (await db.raw(
        'delete from saml_artifacts where id = ? and webdienst_id = ? and resolved_at is null and expires_at > ? returning response_xml',
        [id, webdienstId, now],
      )) as TakenArtifact[] | { rows: TakenArtifact[] };
      const taken = Array.isArray(result) ? result : result.rows;
      return taken[0]?.response_xml ?? undefined;
    },
  };
}
export type SamlStore = ReturnType<typeof samlStore>;
