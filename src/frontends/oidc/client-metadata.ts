// An OIDC webdienst as oidc-provider client metadata. Every client: code flow only, pairwise sub
// (DESIGN.md section 3), ID tokens signed RS256 unless it registered PS256, encrypted when it
// registered an encryption algorithm and keys.
import type { ClientMetadata } from 'oidc-provider';
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

export function clientMetadataFor(webdienst: WebdienstWithOrganisation): ClientMetadata {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { allow_self_signed, ...registration } = webdienst.protocolMetadata as unknown as OidcRegistration;
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
