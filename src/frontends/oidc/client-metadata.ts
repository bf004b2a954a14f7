// An OIDC webdienst as oidc-provider client metadata. Every client: code flow only, pairwise sub
// ID tokens signed RS256 unless it registered PS256, encrypted when it
// registered an encryption algorithm and keys.
import type { ClientMetadata } from 'oidc-provider';
import { z } from 'zod';
import { storedRegistrationReader } from '../../core/stored-registration.ts';
import type { CertificateTrust } from '../../core/trust/certificate-trust.ts';
import { checkJwkCertificate } from '../../core/trust/jwk-certificate.ts';
import type { WebdienstWithOrganisation } from '../../stores/index.ts';

// OpenID Connect Dynamic Client Registration 1.0 section 2 names; oidc-provider checks the values
// again when it builds the client. Loose: a field this schema does not name still reaches oidc-provider.
export const oidcRegistrationSchema = z.looseObject({
  redirect_uris: z.array(z.string()).min(1),
  post_logout_redirect_uris: z.array(z.string()).optional(),
  backchannel_logout_uri: z.string().optional(),
  backchannel_logout_session_required: z.boolean().optional(),
  token_endpoint_auth_method: z.enum(['private_key_jwt', 'client_secret_basic']),
  client_secret: z.string().optional(),
  jwks_uri: z.string().optional(),
  jwks: z.object({ keys: z.array(z.unknown()) }).optional(),
  id_token_signed_response_alg: z.enum(['RS256', 'PS256']).optional(),
  id_token_encrypted_response_alg: z.string().optional(),
  id_token_encrypted_response_enc: z.string().optional(),
  /** Preproduction registration flag (x5c certificates may be self-signed); not client metadata. */
  allow_self_signed: z.boolean().optional(),
});
export type OidcRegistration = z.infer<typeof oidcRegistrationSchema>;

export const oidcRegistrationOf = storedRegistrationReader('OIDC', oidcRegistrationSchema);

/**
 * The client metadata oidc-provider works with. With the deployment's trust, registered keys count
 * only while the certificate policy accepts their x5c certificate now: a key whose certificate expired
 * or was revoked after registration no longer authenticates the webdienst (private_key_jwt).
 */
export function clientMetadataFor(webdienst: WebdienstWithOrganisation, trust?: CertificateTrust): ClientMetadata {
  // A copy: the read registration is cached and shared.
  const { allow_self_signed, ...registration } = oidcRegistrationOf(webdienst);
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
