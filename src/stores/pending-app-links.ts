import type { Database } from './database.ts';

export interface PendingAppLinkRow {
  sessionId: string;
  citizenId: string;
  secret: string;
  expiresAt: number;
}

interface PendingAppLinkRecord {
  session_id: string;
  citizen_id: string;
  secret: string;
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
          secret: link.secret,
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
          secret: record.secret,
          expiresAt: Number(record.expires_at),
        }
      );
    },
    async deletePendingAppLink(sessionId: string): Promise<void> {
      await table().where({ session_id: sessionId }).delete();
    },
  };
}
