// Plain typed rows that the stores hand out; nothing here knows about knex.
export type CitizenStatus = 'requested' | 'active' | 'suspended' | 'revoked';

export interface CitizenRow {
  id: string;
  username: string;
  passwordHash: string;
  bsn: string;
  phone: string | null;
  status: CitizenStatus;
  locale: string;
  passwordRecoveryRequired: boolean;
  /** The citizen's authenticator-app secret if enrolled, sealed (AES-256-GCM) by the core. */
  totpSecret: string | null;
  /** The citizen asked for the second factor on every login, even at Basis webdiensten. */
  alwaysSecondFactor: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface OrganisationRow {
  id: string;
  oin: string;
  name: string;
  publicTask: string;
  bsnEntitled: boolean;
  createdAt: number;
  /** The law that entitles the organisation to the BSN (read from the database; optional when inserting). */
  bsnLegalBasis?: string | null;
  suspendedAt?: number | null;
}

/** 'account' is the built-in webdienst of the citizen's own pages (built-in.ts), never a connected one. */
export type WebdienstProtocol = 'oidc' | 'saml' | 'account';

export interface WebdienstRow {
  id: string;
  organisationId: string;
  name: string;
  protocol: WebdienstProtocol;
  clientId: string;
  minimumLevel: string;
  federation: string | null;
  protocolMetadata: Record<string, unknown>;
  createdAt: number;
  /** Read from the database; optional when inserting. Removed webdiensten are never read for logins. */
  suspendedAt?: number | null;
  removedAt?: number | null;
}

export interface WebdienstWithOrganisation extends WebdienstRow {
  organisation: OrganisationRow;
}

export interface AuditEventRow {
  id: number;
  at: number;
  type: string;
  outcome: string;
  reason: string | null;
  citizenId: string | null;
  webdienstId: string | null;
  clientAddress: string | null;
  details: Record<string, unknown>;
}

export type LoginAttemptStatus = 'pending' | 'authenticated' | 'cancelled' | 'unmet' | 'finished';

export interface LoginAttemptRow {
  id: string;
  browserBinding: string;
  protocol: WebdienstProtocol;
  protocolRef: string;
  webdienstId: string;
  requiredLevel: string;
  forceAuthentication: boolean;
  resumeUrl: string;
  status: LoginAttemptStatus;
  citizenId: string | null;
  levelReached: string | null;
  authenticatedAt: number | null;
  createdAt: number;
  expiresAt: number;
  stage: LoginStage;
  secondFactorMethod: SecondFactorMethod | null;
}

export type LoginStage = 'password' | 'second_factor' | 'no_second_factor';
export type SecondFactorMethod = 'sms' | 'app';

export interface ThrottleRow {
  key: string;
  failures: number;
  consecutiveFailures: number;
  windowStartedAt: number;
  blockedUntil: number;
}

/** A signed-in visit to the citizen's own pages (src/account); the id is the SHA-256 of the cookie's token. */
export interface AccountSessionRow {
  id: string;
  citizenId: string;
  level: string;
  createdAt: number;
  /** Idle timeout: moved forward on every request. */
  expiresAt: number;
  /** A new phone number waiting for the current second factor, and the login attempt that checks it. */
  pendingPhone: string | null;
  pendingPhoneRef: string | null;
}

/** One browser's SSO session in one federation; the id is a hash of the cookie's token and the federation. */
export interface SsoSessionRow {
  id: string;
  /** SHA-256 of the cookie's token: every session of one browser. */
  browserId: string;
  /** Webdiensten without a federation never share a session, and get none. */
  federation: string;
  citizenId: string;
  level: string;
  authenticatedAt: number;
  startedAt: number;
  lastActivityAt: number;
  clientAddress: string;
  endedAt: number | null;
}

/** A webdienst that received an authentication from an SSO session, with its handle for single logout. */
export interface SsoParticipantRow {
  sessionId: string;
  webdienstId: string;
  protocol: WebdienstProtocol;
  /** OIDC sid or SAML SessionIndex. */
  sessionRef: string;
  joinedAt: number;
}
