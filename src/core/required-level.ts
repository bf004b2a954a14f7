// The one decision of the level a login must reach, for both protocols: the
// webdienst's registered minimum always holds; what the request asks can only raise it. A front-end
// turns its request into a LevelAsk (OIDC acr_values and an essential acr claim; SAML
// RequestedAuthnContext) and formats the answer.
import { highestLevel, levelByName, levelFromUri, levels, type Level } from './levels.ts';

/** SAML Core 3.3.2.2.1; OIDC acr_values list acceptable levels, which is `minimum`. */
export type LevelComparison = 'exact' | 'minimum' | 'better' | 'maximum';

export interface LevelAsk {
  comparison: LevelComparison;
  /** The level URIs (class refs, eIDAS aliases) the request names. */
  uris: string[];
  /**
   * What a URI we do not know means: OIDC acr_values are voluntary claims and such a value is
   * ignored (OIDC Core 5.5.1.1); SAML asks for a context we cannot give, which is NoAuthnContext.
   */
  unknownUris: 'ignore' | 'unmet';
}

/** The level to authenticate at, or 'unmet' when no level we offer answers the ask. */
export function requiredLevel(minimumLevelName: string, ask?: LevelAsk): Level | 'unmet' {
  const minimum = levelByName(minimumLevelName);
  if (!ask) return minimum;
  const recognised = ask.uris.map(levelFromUri);
  const known = recognised.filter((level): level is Level => level !== undefined).sort((a, b) => a.rank - b.rank);
  if (ask.unknownUris === 'unmet' && (known.length === 0 || known.length < recognised.length)) return 'unmet';
  if (known.length === 0) return minimum;
  let asked: Level | undefined;
  if (ask.comparison === 'exact' || ask.comparison === 'minimum') asked = known[0];
  else if (ask.comparison === 'better')
    asked = Object.values(levels)
      .filter((candidate) => candidate.rank > known[0]!.rank)
      .sort((a, b) => a.rank - b.rank)[0];
  else asked = minimum.rank <= known[known.length - 1]!.rank ? minimum : undefined;
  if (!asked) return 'unmet';
  const required = highestLevel(minimum, asked);
  return required.offered ? required : 'unmet';
}
