// The SSO session: one per browser and federation, in the database. The
// browser holds one random token in a cookie; the session id is the SHA-256 of that token and the
// federation, so one browser has a separate session per federation and the table opens nothing.
// Every login issues a new token (OWASP session management: renew the session id after login), so
// a token planted in a browser before the login is never the one its session ends up under.
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { newToken } from '../ids.ts';
import type { Level } from '../levels.ts';
import type { SsoParticipantRow, SsoSessionRow, Store, WebdienstProtocol, WebdienstRow } from '../../stores/index.ts';
import { decideSso, isLive, type SsoDecision, type SsoRequest, type SsoTimeouts } from './decision.ts';

export const ssoCookieName = 'pw_sso';
/** On https the cookie is bound to the host (RFC 6265bis 4.1.3.2): no subdomain or http page can plant it. */
export const secureSsoCookieName = '__Host-pw_sso';

type SsoStore = Pick<
  Store,
  | 'findSsoSession'
  | 'listOpenSsoSessionsOfBrowser'
  | 'saveSsoAuthentication'
  | 'touchSsoSession'
  | 'endSsoSession'
  | 'addSsoParticipant'
  | 'listSsoParticipants'
  | 'findSsoSessionByParticipant'
  | 'moveSsoSession'
>;

export function ssoSessionId(browserToken: string, federation: string): string {
  return createHash('sha256').update(`${browserToken}\n${federation}`).digest('base64url');
}

const browserIdOf = (browserToken: string): string => createHash('sha256').update(browserToken).digest('base64url');

export interface Authentication {
  citizenId: string;
  level: Level;
  clientAddress: string;
}

export function createSsoSessions(store: SsoStore, clock: Clock, timeouts: SsoTimeouts) {
  return {
    timeouts,

    /** What to do for this request given the browser's session in the webdienst's federation. */
    async decide(
      browserToken: string | undefined,
      webdienst: Pick<WebdienstRow, 'federation'>,
      request: SsoRequest,
    ): Promise<SsoDecision> {
      // A webdienst without a federation never reuses a session.
      if (!webdienst.federation) return { kind: 'authenticate', reason: 'no_federation' };
      const session = browserToken
        ? await store.findSsoSession(ssoSessionId(browserToken, webdienst.federation))
        : undefined;
      return decideSso(session, request, clock.now(), timeouts);
    },

    /**
     * Records a completed login for this browser in the webdienst's federation under a new token;
     * the citizen's own live sessions in other federations move to the new token, anything else
     * under the old one stays behind. Returns the token to keep in the cookie and the session;
     * undefined for a webdienst without a federation: it shares no session.
     */
    async recordAuthentication(
      browserToken: string | undefined,
      webdienst: Pick<WebdienstRow, 'federation'>,
      authentication: Authentication,
    ): Promise<{ browserToken: string; session: SsoSessionRow } | undefined> {
      if (!webdienst.federation) return undefined;
      const token = newToken();
      for (const earlier of await this.findAllLive(browserToken)) {
        if (earlier.citizenId !== authentication.citizenId) continue;
        await store.moveSsoSession(earlier.id, ssoSessionId(token, earlier.federation), browserIdOf(token));
      }
      const now = clock.now();
      const session: SsoSessionRow = {
        id: ssoSessionId(token, webdienst.federation),
        browserId: browserIdOf(token),
        federation: webdienst.federation,
        citizenId: authentication.citizenId,
        level: authentication.level.name,
        authenticatedAt: now,
        startedAt: now,
        lastActivityAt: now,
        clientAddress: authentication.clientAddress,
        endedAt: null,
      };
      await store.saveSsoAuthentication(session);
      return { browserToken: token, session };
    },

    /** Activity at any webdienst of the federation keeps the session alive (idle timeout). */
    async touch(session: SsoSessionRow): Promise<void> {
      await store.touchSsoSession(session.id, clock.now());
    },

    async join(
      session: SsoSessionRow,
      webdienst: Pick<WebdienstRow, 'id'>,
      protocol: WebdienstProtocol,
      sessionRef: string,
    ): Promise<void> {
      await store.addSsoParticipant({
        sessionId: session.id,
        webdienstId: webdienst.id,
        protocol,
        sessionRef,
        joinedAt: clock.now(),
      });
    },

    /** The live session of this browser in this federation, or undefined. */
    async findLive(
      browserToken: string | undefined,
      webdienst: Pick<WebdienstRow, 'federation'>,
    ): Promise<SsoSessionRow | undefined> {
      if (!browserToken || !webdienst.federation) return undefined;
      const session = await store.findSsoSession(ssoSessionId(browserToken, webdienst.federation));
      return session && isLive(session, clock.now(), timeouts) ? session : undefined;
    },

    /** Every live session of this browser, one per federation (a logout that ends them all). */
    async findAllLive(browserToken: string | undefined): Promise<SsoSessionRow[]> {
      if (!browserToken) return [];
      return (await store.listOpenSsoSessionsOfBrowser(browserIdOf(browserToken))).filter((session) =>
        isLive(session, clock.now(), timeouts),
      );
    },

    async findByParticipant(webdienstId: string, sessionRef: string): Promise<SsoSessionRow | undefined> {
      const session = await store.findSsoSessionByParticipant(webdienstId, sessionRef);
      return session && isLive(session, clock.now(), timeouts) ? session : undefined;
    },

    /**
     * Ends the session and returns the webdiensten to notify (single logout). Undefined when it had
     * ended already: another request or process is doing the logout.
     */
    async end(session: SsoSessionRow): Promise<SsoParticipantRow[] | undefined> {
      if (!(await store.endSsoSession(session.id, clock.now()))) return undefined;
      return store.listSsoParticipants(session.id);
    },
  };
}
export type SsoSessions = ReturnType<typeof createSsoSessions>;
