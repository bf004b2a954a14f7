// An OIDC webdienst as oidc-provider client metadata. Every client: code flow only, pairwise sub
// (DESIGN.md section 3), ID tokens signed RS256 unless it registered PS256, encrypted when it
// registered an encryption algorithm and keys.
import type { ClientMetadata } from 'oidc-provider';
import { z } from 'zod';
import { storedRegistrationReader } from '../../core/stored-registration.ts';
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
});
export type OidcRegistration = z.infer<typeof oidcRegistrationSchema>;

export const oidcRegistrationOf = storedRegistrationReader('OIDC', oidcRegistrationSchema);

export function clientMetadataFor(webdienst: WebdienstWithOrganisation): ClientMetadata {
  const registration = oidcRegistrationOf(webdienst);
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
