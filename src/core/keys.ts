// Signing keys and instance secrets ("Keys"): outside production they are
// generated on first start and stored in the database, so every process signs with the same keys;
// production loads keys from configured files and secrets from configuration. Every key listed is
// published in the JWKS and the SAML metadata (rollover); the first one signs.
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Config } from '../../config/index.ts';
import type { Store } from '../stores/index.ts';
import type { Clock } from './clock.ts';
import { parseTotpKeys, type TotpKey } from './second-factor/totp-secret-box.ts';

export interface InstanceKeys {
  /** Private RSA JWKs with unique kids, the active signing key first. */
  signingKeys: JWK[];
  cookieKeys: string[];
  pairwiseSalt: string;
  /** Key of the HMAC under which one-time codes are stored. */
  codeHashKey: string;
  /** Keys that seal authenticator-app secrets at rest: the first seals, all open. */
  totpKeys: TotpKey[];
}

/** Id of the TOTP key generated outside production when none is configured. */
export const generatedTotpKeyId = 'generated';

/**
 * The configured TOTP keys; outside production without configured keys, one generated and stored in
 * the database. A generated key stays usable for opening after keys are configured, so secrets sealed
 * under it are re-sealed at the next start rather than lost.
 */
export async function loadTotpKeys(
  config: Config,
  store: Pick<Store, 'findInstanceSecret' | 'insertInstanceSecretIfAbsent'>,
  clock: Clock,
): Promise<TotpKey[]> {
  const configured = parseTotpKeys(config.secrets.totpKeys);
  if (config.environment === 'production') return configured;
  const generated = configured.length
    ? await store.findInstanceSecret('totp-key')
    : await store.insertInstanceSecretIfAbsent('totp-key', randomBytes(32).toString('base64url'), clock.now());
  if (generated === undefined || configured.some((key) => key.id === generatedTotpKeyId)) return configured;
  return [...configured, { id: generatedTotpKeyId, key: Buffer.from(generated, 'base64url') }];
}

function readKeyFile(path: string): JWK {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new Error(
      `keys.signingKeyFiles (SIGNING_KEY_FILES): cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const jwk = (text.startsWith('{') ? JSON.parse(text) : createPrivateKey(text).export({ format: 'jwk' })) as JWK;
  if (jwk.kty !== 'RSA' || !jwk.d) throw new Error(`signing key file ${path} must hold an RSA private key`);
  return jwk;
}

async function withKid(jwk: JWK): Promise<JWK> {
  const { kty, n, e, d, p, q, dp, dq, qi } = jwk;
  return { kty, n, e, d, p, q, dp, dq, qi, kid: jwk.kid ?? (await calculateJwkThumbprint({ kty, n, e })) };
}

async function generatedSigningKeys(
  store: Pick<Store, 'listSigningKeys' | 'insertFirstSigningKey'>,
  clock: Clock,
): Promise<JWK[]> {
  const existing = await store.listSigningKeys();
  if (existing.length) return existing.map((row) => row.privateJwk as JWK);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = await withKid(privateKey.export({ format: 'jwk' }));
  await store.insertFirstSigningKey(jwk.kid!, jwk, clock.now());
  return (await store.listSigningKeys()).map((row) => row.privateJwk as JWK);
}

export async function loadInstanceKeys(
  config: Config,
  store: Pick<
    Store,
    'listSigningKeys' | 'insertFirstSigningKey' | 'insertInstanceSecretIfAbsent' | 'findInstanceSecret'
  >,
  clock: Clock,
): Promise<InstanceKeys> {
  const signingKeys = config.keys.signingKeyFiles.length
    ? await Promise.all(config.keys.signingKeyFiles.map((path) => withKid(readKeyFile(path))))
    : await generatedSigningKeys(store, clock);
  const kids = new Set(signingKeys.map((key) => key.kid));
  if (kids.size !== signingKeys.length) throw new Error('signing keys must have unique kids');
  const secret = (name: string) =>
    store.insertInstanceSecretIfAbsent(name, randomBytes(32).toString('base64url'), clock.now());
  return {
    signingKeys,
    cookieKeys: config.secrets.cookieKeys.length ? config.secrets.cookieKeys : [await secret('cookie-key')],
    pairwiseSalt: config.secrets.pairwiseSalt ?? (await secret('pairwise-salt')),
    codeHashKey: config.secrets.codeHashKey ?? (await secret('code-hash-key')),
    totpKeys: await loadTotpKeys(config, store, clock),
  };
}
