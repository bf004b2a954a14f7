// The development seed as data: fictitious test citizens, organisations and OIDC
// webdiensten, read from the JSON file the configuration names (seed.file) and checked here before a
// single row is written. The rules of each field (BSN 11-check, password strength, OIN) are the core's
// and the admin's, applied when the seed is written; this only checks the file's shape.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const citizen = z.strictObject({
  username: z.string().min(1),
  password: z.string().min(1),
  bsn: z.string().regex(/^\d{9}$/, 'must be 9 digits'),
  phone: z.string().optional(),
  /** What the citizen is for, shown on the start page beside the username and password. */
  description: z.string(),
});

const organisation = z.strictObject({
  name: z.string().min(1),
  oin: z.string().regex(/^\d{20}$/, 'must be 20 digits'),
  publicTask: z.string().optional(),
  bsnEntitled: z.boolean(),
});

// A URI that starts with / is a path on this service: the public URL is put in front of it when the
// seed is written, so one seed file serves every port and host name.
const uriOrPath = z.string().refine((value) => value.startsWith('/') || URL.canParse(value), {
  message: 'must be an absolute URL or a path starting with /',
});

const oidcWebdienst = z.strictObject({
  organisationOin: z.string().regex(/^\d{20}$/, 'must be 20 digits'),
  name: z.string().min(1),
  clientId: z.string().min(1),
  auth: z.enum(['client_secret_basic', 'private_key_jwt']).optional(),
  level: z.enum(['basis', 'midden']).optional(),
  federation: z.string().optional(),
  redirectUris: z.array(uriOrPath).min(1),
  postLogoutRedirectUris: z.array(uriOrPath).optional(),
});

export const seedFileSchema = z.strictObject({
  citizens: z.array(citizen),
  organisations: z.array(organisation),
  oidcWebdiensten: z.array(oidcWebdienst),
});

export type SeedData = z.infer<typeof seedFileSchema>;
export type SeedCitizen = SeedData['citizens'][number];

export class SeedFileError extends Error {
  override name = 'SeedFileError';
}

/** Reads and checks a seed file; the error names the file and every field that is wrong. */
export function readSeedFile(path: string | URL): SeedData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SeedFileError(`Cannot read seed file ${String(path)}: ${(error as Error).message}`);
  }
  const result = seedFileSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`);
    throw new SeedFileError(`Invalid seed file ${String(path)}:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}

/** A path of the seed (`/demo/callback`) made absolute on this service; absolute URLs stay as they are. */
export function resolveSeedUri(uri: string, publicUrl: string): string {
  return uri.startsWith('/') ? `${publicUrl}${uri}` : uri;
}
