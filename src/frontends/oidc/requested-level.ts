// What an OIDC request asks of the level, as the login core's ask: acr_values and an essential acr in
// the claims parameter list acceptable levels (OIDC Core 3.1.2.1, 5.5.1.1), so the lowest we know is
// the minimum asked. The core (core/required-level.ts) decides the level.
import type { Level } from '../../core/levels.ts';
import { requiredLevel, type LevelAsk } from '../../core/required-level.ts';
import type { WebdienstRow } from '../../stores/index.ts';

export function levelAsk(params: Record<string, unknown>): LevelAsk | undefined {
  const uris: string[] = [];
  if (typeof params.acr_values === 'string') uris.push(...params.acr_values.split(' ').filter(Boolean));
  if (typeof params.claims === 'string') {
    try {
      const acr = (
        JSON.parse(params.claims) as { id_token?: { acr?: { essential?: boolean; value?: string; values?: string[] } } }
      ).id_token?.acr;
      if (acr?.essential) uris.push(...(acr.values ?? []), ...(acr.value ? [acr.value] : []));
    } catch {
      // oidc-provider has already refused an unreadable claims parameter before any interaction.
    }
  }
  return uris.length ? { comparison: 'minimum', uris, unknownUris: 'ignore' } : undefined;
}

export function requestedLevel(webdienst: WebdienstRow, params: Record<string, unknown>): Level | 'unmet' {
  return requiredLevel(webdienst.minimumLevel, levelAsk(params));
}
