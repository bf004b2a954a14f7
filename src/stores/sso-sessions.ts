// SSO sessions and their participants (server-side, any process serves them).
import type { Database } from './database.ts';
import type { SsoParticipantRow, SsoSessionRow, WebdienstProtocol } from './rows.ts';

interface SsoSessionRecord {
  id: string;
  browser_id: string;
  federation: string;
  citizen_id: string;
  level: string;
  authenticated_at: number;
  started_at: number;
  last_activity_at: number;
  client_address: string;
  ended_at: number | null;
}

interface SsoParticipantRecord {
  session_id: string;
  webdienst_id: string;
  protocol: WebdienstProtocol;
  session_ref: string;
  joined_at: number;
}

const toSession = (record: SsoSessionRecord): SsoSessionRow => ({
  id: record.id,
  browserId: record.browser_id,
  federation: record.federation,
  citizenId: record.citizen_id,
  level: record.level,
  authenticatedAt: Number(record.authenticated_at),
  startedAt: Number(record.started_at),
  lastActivityAt: Number(record.last_activity_at),
  clientAddress: record.client_address,
  endedAt: record.ended_at === null ? null : Number(record.ended_at),
});

const toParticipant = (record: SsoParticipantRecord): SsoParticipantRow => ({
  sessionId: record.session_id,
  webdienstId: record.webdienst_id,
  protocol: record.protocol,
  sessionRef: record.session_ref,
  joinedAt: Number(record.joined_at),
});

export function ssoSessionStore(db: Database) {
  const sessions = () => db<SsoSessionRecord>('sso_sessions');
  const participants = () => db<SsoParticipantRecord>('sso_participants');
  return {
    async findSsoSession(id: string): Promise<SsoSessionRow | undefined> {
      const record = await sessions().where({ id }).first();
      return record && toSession(record);
    },
    /**
     * A new authentication in this browser and federation replaces what was there: the session
     * starts again (new citizen, level and start), earlier participants are kept only when the
     * citizen is the same (a step-up, a forced re-authentication).
     */
    async saveSsoAuthentication(session: Omit<SsoSessionRow, 'endedAt'>): Promise<void> {
      const previous = await sessions().where({ id: session.id }).first();
      const record: SsoSessionRecord = {
        id: session.id,
        browser_id: session.browserId,
        federation: session.federation,
        citizen_id: session.citizenId,
        level: session.level,
        authenticated_at: session.authenticatedAt,
        started_at: session.startedAt,
        last_activity_at: session.lastActivityAt,
        client_address: session.clientAddress,
        ended_at: null,
      };
      if (!previous) {
        await sessions().insert(record);
        return;
      }
      if (previous.citizen_id !== session.citizenId || previous.ended_at !== null)
        await participants().where({ session_id: session.id }).delete();
      await sessions().where({ id: session.id }).update(record);
    },
    /** Gives a session a new id and browser (a new cookie token); its participants go with it. */
    async moveSsoSession(fromId: string, toId: string, toBrowserId: string): Promise<void> {
      await db.transaction(async (trx) => {
        await trx<SsoParticipantRecord>('sso_participants').where({ session_id: fromId }).update({ session_id: toId });
        await trx<SsoSessionRecord>('sso_sessions')
          .where({ id: fromId })
          .whereNull('ended_at')
          .update({ id: toId, browser_id: toBrowserId });
      });
    },
    /** Every session of one browser that has not ended (one per federation). */
    async listOpenSsoSessionsOfBrowser(browserId: string): Promise<SsoSessionRow[]> {
      return (await sessions().where({ browser_id: browserId }).whereNull('ended_at')).map(toSession);
    },
    async touchSsoSession(id: string, at: number): Promise<void> {
      await sessions().where({ id }).whereNull('ended_at').update({ last_activity_at: at });
    },
    /** Ends the session; true when this call ended it (so only one process runs single logout). */
    async endSsoSession(id: string, at: number): Promise<boolean> {
      return (await sessions().where({ id }).whereNull('ended_at').update({ ended_at: at })) > 0;
    },
    /** Ends every live session of a citizen (a changed second factor); returns how many ended. */
    async endSsoSessionsOfCitizen(citizenId: string, at: number): Promise<number> {
      return sessions().where({ citizen_id: citizenId }).whereNull('ended_at').update({ ended_at: at });
    },
    /** Ended sessions and those past the absolute timeout go, with their participants. */
    async addSsoParticipant(participant: SsoParticipantRow): Promise<void> {
      await participants()
        .insert({
          session_id: participant.sessionId,
          webdienst_id: participant.webdienstId,
          protocol: participant.protocol,
          session_ref: participant.sessionRef,
          joined_at: participant.joinedAt,
        })
        .onConflict(['session_id', 'webdienst_id'])
        .merge(['protocol', 'session_ref', 'joined_at']);
    },
    async listSsoParticipants(sessionId: string): Promise<SsoParticipantRow[]> {
      return (await participants().where({ session_id: sessionId }).orderBy('joined_at', 'asc')).map(toParticipant);
    },
    /** The live session in which this webdienst holds this session reference (a SAML SessionIndex, an OIDC sid). */
    async findSsoSessionByParticipant(webdienstId: string, sessionRef: string): Promise<SsoSessionRow | undefined> {
      const record = await sessions()
        .join('sso_participants', 'sso_participants.session_id', 'sso_sessions.id')
        .where({ 'sso_participants.webdienst_id': webdienstId, 'sso_participants.session_ref': sessionRef })
        .whereNull('sso_sessions.ended_at')
        .select('sso_sessions.*')
        .first<SsoSessionRecord | undefined>();
      return record && toSession(record);
    },
  };
}
