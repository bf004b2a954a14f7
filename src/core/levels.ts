// Levels of assurance, The SAML class URIs are the one vocabulary for both protocols.
import { z } from 'zod';

export const levelNames = ['basis', 'midden', 'substantieel', 'hoog'] as const;
export const levelNameSchema = z.enum(levelNames);
export type LevelName = z.infer<typeof levelNameSchema>;

export interface Level {
  name: LevelName;
  rank: number;
  uri: string;
  eidasAlias?: string;
  /** Whether Poortwachter can authenticate a citizen at this level today. */
  offered: boolean;
}

export const levels: Record<LevelName, Level> = {
  basis: {
    name: 'basis',
    rank: 10,
    uri: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
    offered: true,
  },
  midden: {
    name: 'midden',
    rank: 20,
    uri: 'urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract',
    eidasAlias: 'http://eidas.europa.eu/LoA/low',
    offered: true,
  },
  substantieel: {
    name: 'substantieel',
    rank: 25,
    uri: 'urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard',
    eidasAlias: 'http://eidas.europa.eu/LoA/substantial',
    offered: false,
  },
  hoog: {
    name: 'hoog',
    rank: 30,
    uri: 'urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI',
    eidasAlias: 'http://eidas.europa.eu/LoA/high',
    offered: false,
  },
};

export const levelUris = levelNames.map((name) => levels[name].uri);

export function isLevelName(value: unknown): value is LevelName {
  return levelNameSchema.safeParse(value).success;
}

/** A webdienst's minimum level as an operator gives it (any case): a level Poortwachter offers today. */
export function offeredLevelName(value: string | undefined): LevelName | undefined {
  const parsed = levelNameSchema.safeParse((value ?? 'basis').toLowerCase());
  return parsed.success && levels[parsed.data].offered ? parsed.data : undefined;
}

/** Finds a level by its class URI or eIDAS alias (accepted in requests). */
export function levelFromUri(uri: string): Level | undefined {
  return Object.values(levels).find((level) => level.uri === uri || level.eidasAlias === uri);
}

export function levelByName(name: string): Level {
  if (!isLevelName(name)) throw new Error(`unknown level ${name}`);
  return levels[name];
}

export function highestLevel(...candidates: Array<Level | undefined>): Level {
  return candidates.reduce<Level>((best, level) => (level && level.rank > best.rank ? level : best), levels.basis);
}

export function satisfies(reached: Level, required: Level): boolean {
  return reached.rank >= required.rank;
}
