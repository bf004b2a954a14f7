// The level a webdienst gets: the highest of its registered minimum and what the request asks in
// acr_values or an essential acr in the claims parameter (DESIGN.md section 2).
import { highestLevel, levelByName, levelFromUri, type Level } from '../../core/levels.ts';
import type { WebdienstRow } from '../../stores/index.ts';

/** The lowest recognised level among the request's acr values: acr_values lists acceptable levels. */
export function levelAskedFor(params: Record<string, unknown>): Level | undefined {
  const asked: string[] = [];
  if (typeof params.acr_values === 'string') asked.push(...params.acr_values.split(' ').filter(Boolean));
  if (typeof params.claims === 'string') {
    try {
      const acr = (
        JSON.parse(params.claims) as { id_token?: { acr?: { essential?: boolean; value?: string; values?: string[] } } }
      ).id_token?.acr;
      if (acr?.essential) asked.push(...(acr.values ?? []), ...(acr.value ? [acr.value] : []));
    } catch {
      // oidc-provider has already refused an unreadable claims parameter before any interaction.
    }
  }
  const known = asked.map(levelFromUri).filter((level): level is Level => level !== undefined);
  return known.sort((a, b) => a.rank - b.rank)[0];
}

export function requestedLevel(webdienst: WebdienstRow, params: Record<string, unknown>): Level {
  return highestLevel(levelByName(webdienst.minimumLevel), levelAskedFor(params));
}
