// The certificate policy at use (src/core/trust): a webdienst's metadata certificates count only while
// the policy accepts them now, so an expired or revoked certificate stops working at once, without a
// new registration; when none is left the message is refused with the rule of the first one.
import type { CertificateTrust } from '../../core/trust/certificate-trust.ts';
import { acceptedCertificates } from '../../core/trust/certificate-trust.ts';
import type { WebdienstWithOrganisation } from '../../stores/index.ts';
import { samlRegistrationOf, type SamlRegistration } from './sp-metadata.ts';
import { SamlRefused } from './xml.ts';

export const certificateOwner = (webdienst: WebdienstWithOrganisation) => ({
  oin: webdienst.organisation.oin,
  allowSelfSigned: samlRegistrationOf(webdienst).allowSelfSigned === true,
});

/** The webdienst's registration with only the certificates the policy accepts now. */
export function trustedRegistration(trust: CertificateTrust, webdienst: WebdienstWithOrganisation): SamlRegistration {
  const registration = samlRegistrationOf(webdienst);
  const owner = certificateOwner(webdienst);
  const signing = acceptedCertificates(trust, registration.signingCertificates, owner);
  if (signing.accepted.length === 0) throw new SamlRefused(`certificate_${signing.refused?.rule ?? 'missing'}`, 403);
  const encryption = acceptedCertificates(trust, registration.encryptionCertificates ?? [], owner);
  return { ...registration, signingCertificates: signing.accepted, encryptionCertificates: encryption.accepted };
}
