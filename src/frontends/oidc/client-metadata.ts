// An OIDC webdienst as oidc-provider client metadata. Every client: code flow only, pairwise sub
// (DESIGN.md section 3), ID tokens signed RS256 unless it registered PS256, encrypted when it
// registered an encryption algorithm and keys.
import type { ClientMetadata } from 'oidc-provider';
import type { CertificateTrust } from '../../core/trust/certificate-trust.ts';
import { checkJwkCertificate } from '../../core/trust/jwk-certificate.ts';
import type { WebdienstWithOrganisation } from '../../stores/index.ts';

export interface OidcRegistration {
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
  backchannel_logout_uri?: string;
  token_endpoint_auth_method: 'private_key_jwt' | 'client_secret_basic';
  client_secret?: string;
  jwks_uri?: string;
  jwks?: { keys: unknown[] };
  id_token_signed_response_alg?: 'RS256' | 'PS256';
  id_token_encrypted_response_alg?: string;
  id_token_encrypted_response_enc?: string;
  /** Preproduction registration flag (x5c certificates may be self-signed); not client metadata. */
  allow_self_signed?: boolean;
}

/**
 * The client metadata oidc-provider works with. With the deployment's trust, registered keys count
 * only while the certificate policy accepts their x5c certificate now: a key whose certificate expired
 * or was revoked after registration no longer authenticates the webdienst (private_key_jwt).
 */
export function clientMetadataFor(webdienst: WebdienstWithOrganisation, trust?: CertificateTrust): ClientMetadata {
  const { allow_self_signed, ...registration } = webdienst.protocolMetadata as unknown as OidcRegistration;
  if (trust && registration.jwks) {
    const owner = { oin: webdienst.organisation.oin, allowSelfSigned: allow_self_signed === true };
    registration.jwks = {
      keys: registration.jwks.keys.filter(
        (key) =>
          typeof key === 'object' &&
          key !== null &&
          ((key as { use?: string }).use === 'enc' ||
            checkJwkCertificate(trust, key as Record<string, unknown>, owner).accepted),
      ),
    };
  }
  return {
    client_id: webdienst.clientId,
    client_name: webdienst.name,
    ...registration,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    subject_type: 'pairwise',
    id_token_signed_response_alg: registration.id_token_signed_response_alg ?? 'RS256',
  } as ClientMetadata;
}
