// Mutual TLS on the SOAP back channel (SAML Bindings 3.2.3.1, and DigiD's rule that a webdienst
// connects with its PKIoverheid certificate): the TLS client certificate must be one the webdienst
// that owns the artifact or session listed in its metadata, and the certificate policy must accept it
// now (chain, validity, revocation, OIN). Otherwise the SOAP request is refused before anything of
// the artifact or session is touched.
import type { X509Certificate } from 'node:crypto';
import type { CertificateTrust } from '../../core/trust/certificate-trust.ts';
import type { WebdienstWithOrganisation } from '../../stores/index.ts';
import { samlRegistrationOf } from './sp-metadata.ts';
import { certificateOwner } from './trusted-certificates.ts';
import { SamlRefused } from './xml.ts';

export interface BackChannelAuthentication {
  /** Whether the SOAP endpoints require a client certificate (any back-channel deployment but 'none'). */
  required: boolean;
  trust: CertificateTrust;
}

/** A refusal the webdienst may read in the SOAP fault: it names the rule, nothing about citizens. */
export class ClientCertificateRefused extends SamlRefused {
  readonly publicReason: string;
  constructor(reason: string, publicReason: string) {
    super(reason, 403);
    this.publicReason = publicReason;
  }
}

export function assertClientCertificateOf(
  auth: BackChannelAuthentication,
  certificate: X509Certificate | undefined,
  webdienst: WebdienstWithOrganisation,
): void {
  if (!auth.required) return;
  if (!certificate) throw new ClientCertificateRefused('no_client_certificate', 'a TLS client certificate is required');
  const registration = samlRegistrationOf(webdienst);
  const body = certificate.raw.toString('base64');
  const listed = [...registration.signingCertificates, ...(registration.encryptionCertificates ?? [])];
  if (!listed.includes(body))
    throw new ClientCertificateRefused(
      'client_certificate_not_of_webdienst',
      "the TLS client certificate is not one of the webdienst's metadata certificates",
    );
  const verdict = auth.trust.check({ certificate: body, ...certificateOwner(webdienst) });
  if (!verdict.accepted)
    throw new ClientCertificateRefused(
      `client_certificate_${verdict.rule}`,
      `the TLS client certificate is refused (${verdict.rule}): ${verdict.message}`,
    );
}
