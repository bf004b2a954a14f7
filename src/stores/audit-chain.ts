// The hash chain over the audit events (append-only, a changed or deleted row is detectable).
// Row n stores SHA-256(hash of row n-1 + ':' + n + ':' + canonical content of row n); the chain head
// holds the last id and hash, so deleting the newest rows shows too. Ids are handed out by the sealer
// (audit-events.ts) from the head, one after the other, so a gap in the ids is a deleted row.
import { createHash } from 'node:crypto';

export const genesisHash = '0'.repeat(64);

/** The columns of an audit event as stored, the id and hash aside. */
export interface AuditContentColumns {
  at: number | string;
  type: string;
  outcome: string;
  reason: string | null;
  citizen_id: string | null;
  webdienst_id: string | null;
  client_address: string | null;
  /** The JSON text as stored: hashed as is, so not even whitespace changes unseen. */
  details: string;
}

export function auditContent(row: AuditContentColumns): string {
  return JSON.stringify([
    Number(row.at),
    row.type,
    row.outcome,
    row.reason ?? null,
    row.citizen_id ?? null,
    row.webdienst_id ?? null,
    row.client_address ?? null,
    row.details,
  ]);
}

export function chainHash(previousHash: string, id: number, content: string): string {
  return createHash('sha256').update(`${previousHash}:${id}:${content}`, 'utf8').digest('hex');
}
