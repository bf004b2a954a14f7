// Keys and secrets generated on first start outside production, shared by every process.
import type { Database } from './database.ts';

interface SigningKeyRecord {
  kid: string;
  private_jwk: string;
  created_at: number;
}

interface InstanceSecretRecord {
  name: string;
  value: string;
  created_at: number;
}

export function instanceKeyStore(db: Database) {
  return {
    async listSigningKeys(): Promise<Array<{ kid: string; privateJwk: Record<string, unknown> }>> {
      const rows = await db<SigningKeyRecord>('signing_keys').orderBy('created_at', 'desc').orderBy('kid');
      return rows.map((row) => ({
        kid: row.kid,
        // A JWK object: insertFirstSigningKey below is the only writer.
        privateJwk: JSON.parse(row.private_jwk) as Record<string, unknown>,
      }));
    },
    /** Inserts the key unless another process already stored one; returns whether ours was stored. */
    async insertFirstSigningKey(kid: string, privateJwk: Record<string, unknown>, at: number): Promise<boolean> {
      return db.transaction(async (trx) => {
        const existing = await trx<SigningKeyRecord>('signing_keys').first();
        if (existing) return false;
        await trx('signing_keys').insert({ kid, private_jwk: JSON.stringify(privateJwk), created_at: at });
        return true;
      });
    },
    async findInstanceSecret(name: string): Promise<string | undefined> {
      const row = await db<InstanceSecretRecord>('instance_secrets').where({ name }).first();
      return row?.value;
    },
    /** First writer wins, so every process ends up with the same secret. */
    async insertInstanceSecretIfAbsent(name: string, value: string, at: number): Promise<string> {
      await db('instance_secrets').insert({ name, value, created_at: at }).onConflict('name').ignore();
      const row = await db<InstanceSecretRecord>('instance_secrets').where({ name }).first();
      return row!.value;
    },
  };
}
export type InstanceKeyStore = ReturnType<typeof instanceKeyStore>;
