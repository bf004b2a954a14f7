// The items of the automated connection checklist: what a webdienst must show in preproduction traffic
// before it is registered in production. Each item says which protocol it applies to and what passes.
import type { WebdienstProtocol } from '../../stores/index.ts';

export interface ChecklistItem {
  protocols: WebdienstProtocol[];
  /** What the webdienst must do, as the report states it. */
  requirement: string;
}

export const checklistItems = {
  request_signed: {
    protocols: ['saml'],
    requirement: 'AuthnRequests are signed with an accepted algorithm (RSA-SHA256)',
  },
  registered_endpoint: {
    protocols: ['oidc', 'saml'],
    requirement: 'only the registered redirect URI (OIDC) or assertion consumer service (SAML) is used',
  },
  pkce_state_nonce: {
    protocols: ['oidc'],
    requirement: 'every authorization request carries PKCE (S256), state and nonce',
  },
  level_at_or_above_minimum: {
    protocols: ['oidc'],
    requirement: "the requested level (acr_values) is at or above the webdienst's minimum",
  },
  answer_collected: {
    protocols: ['oidc', 'saml'],
    requirement: 'the answer is collected in time: the code exchanged (OIDC), the artifact resolved (SAML)',
  },
  logout: {
    protocols: ['oidc', 'saml'],
    requirement: 'single logout is implemented: logout started or a logout request of ours answered',
  },
  no_retry_storm: {
    protocols: ['oidc', 'saml'],
    requirement: 'no storm of retries on errors (at most 10 refused requests in any minute)',
  },
} satisfies Record<string, ChecklistItem>;

export type ChecklistItemName = keyof typeof checklistItems;

export const isChecklistItem = (name: string): name is ChecklistItemName => Object.hasOwn(checklistItems, name);
