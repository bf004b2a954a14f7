// Who a webdienst hears of: the BSN for a webdienst of a BSN-entitled
// organisation, else a pseudonym of its own (pairwise, so two webdiensten cannot link a citizen).
// The one place that reads a citizen's BSN for a webdienst; every release is audited, never the
// BSN itself. Front-ends only format the subject (an OIDC claim, a SAML NameID).
import { createHmac } from 'node:crypto';
import type { AuditLog } from './audit.ts';

export interface Subject {
  kind: 'bsn' | 'pseudonym';
  value: string;
}

interface SubjectCitizen {
  id: string;
  bsn: string;
}

interface SubjectWebdienst {
  id: string;
  clientId: string;
  organisation: { bsnEntitled: boolean };
}

/** Pairwise per webdienst: its identifier is the sector, so two webdiensten on one host still differ. */
export function pseudonymFor(pairwiseSalt: string, webdienstClientId: string, citizenId: string): string {
  return createHmac('sha256', pairwiseSalt).update(`${webdienstClientId}\u0000${citizenId}`).digest('base64url');
}

/** The subject as the webdienst knows it, without releasing anything (to match a logout request). */
export function subjectFor(citizen: SubjectCitizen, webdienst: SubjectWebdienst, pairwiseSalt: string): Subject {
  return webdienst.organisation.bsnEntitled
    ? { kind: 'bsn', value: citizen.bsn }
    : { kind: 'pseudonym', value: pseudonymFor(pairwiseSalt, webdienst.clientId, citizen.id) };
}

/** The subject released to a webdienst in a login answer; a BSN release is audited. */
export async function releaseSubject(
  audit: AuditLog,
  pairwiseSalt: string,
  citizen: SubjectCitizen,
  webdienst: SubjectWebdienst,
  context: { protocol: 'oidc' | 'saml'; clientAddress?: string },
): Promise<Subject> {
  const subject = subjectFor(citizen, webdienst, pairwiseSalt);
  if (subject.kind === 'bsn')
    await audit.record({
      type: 'bsn.released',
      outcome: 'info',
      citizenId: citizen.id,
      webdienstId: webdienst.id,
      clientAddress: context.clientAddress,
      details: { protocol: context.protocol },
    });
  return subject;
}
