// The certificate policy (src/core/trust) at aansluiten: every certificate a webdienst registers is
// checked against the organisation it is registered under, and the first refusal names its rule and
// the certificate. The self-signed flag is a preproduction matter, refused in production.
import type { X509Certificate } from 'node:crypto';
import type { Config } from '../../config/index.ts';
import type { Clock } from '../core/clock.ts';
import { ValidationError } from '../core/errors.ts';
import {
  anchorlessCertificateTrust,
  type CertificateOwner,
  type CertificateTrust,
} from '../core/trust/certificate-trust.ts';

export interface CertificateCheckDeps {
  environment: Config['environment'];
  clock: Clock;
  /** The deployment's trust anchors and CRLs; without them only what the environment accepts self-signed passes. */
  trust?: CertificateTrust;
}

export function trustOf(deps: CertificateCheckDeps): CertificateTrust {
  return deps.trust ?? anchorlessCertificateTrust(deps.environment, deps.clock);
}

/** The registration flag, refused in production (a webdienst there is who its PKIoverheid certificate says). */
export function checkSelfSignedFlag(environment: Config['environment'], allowSelfSigned: boolean | undefined): boolean {
  if (allowSelfSigned && environment === 'production')
    throw new ValidationError(
      'admin.self_signed_not_allowed',
      '--allow-self-signed is refused in production: certificates must chain to a trust anchor',
    );
  return allowSelfSigned === true;
}

export function assertCertificateAccepted(
  trust: CertificateTrust,
  certificate: string | X509Certificate,
  owner: CertificateOwner,
  where: string,
  intermediates: X509Certificate[] = [],
): void {
  const verdict = trust.check({ certificate, intermediates, ...owner });
  if (!verdict.accepted)
    throw new ValidationError(
      'admin.certificate_refused',
      `certificate refused (${verdict.rule}): ${verdict.message} (${where})`,
      { rule: verdict.rule },
    );
}
