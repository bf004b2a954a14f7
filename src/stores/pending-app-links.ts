import type { Database } from './database.ts';

export interface PendingAppLinkRow {
  sessionId: string;
  citizenId: string;
  /** The new app's secret as sealed by the core (the value names its key; keyId repeats it). */
  sealedSecret: { value: string; keyId: string };
  expiresAt: number;
}

interface PendingAppLinkRecord {
  session_id: string;
  citizen_id: string;
  sealed_secret: string;
  key_id: string;
  expires_at: number;
}

export function pendingAppLinkStore(db: Database) {
  const table = () => db<PendingAppLinkRecord>('pending_app_links');
  return {
    async putPendingAppLink(link: PendingAppLinkRow): Promise<void> {
      await table()
        .insert({
          session_id: link.sessionId,
          citizen_id: link.citizenId,
          sealed_secret: link.sealedSecret.value,
          key_id: link.sealedSecret.keyId,
          expires_at: link.expiresAt,
        })
        .onConflict('session_id')
        .merge();
    },
    async findPendingAppLink(sessionId: string, now: number): Promise<PendingAppLinkRow | undefined> {
      const record = await table().where({ session_id: sessionId }).andWhere('expires_at', '>', now).first();
      return (
        record && {
          sessionId: record.session_id,
          citizenId: record.citizen_id,
          sealedSecret: { value: record.sealed_secret, keyId: record.key_id },
          expiresAt: Number(record.expires_at),
        }
      );
    },
    async deletePendingAppLink(sessionId: string): Promise<void> {
      await table().where({ session_id: sessionId }).delete();
    },
  };
}
