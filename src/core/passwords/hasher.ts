// argon2id at OWASP strength (m=19456 KiB, t=2, p=1); the parameters live in each PHC hash string,
// so they can be raised later. Hashing runs off the event loop, at most one
// hash per core at a time (more hashing threads than cores makes latency explode).
import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';

const ARGON2ID = 2; // Algorithm.Argon2id (a const enum that isolated-module TypeScript cannot import)
export const owaspArgon2id = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** A semaphore: at most `limit` tasks run at once, the rest wait in order. */
export class BoundedQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  get length(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    try {
      return await task();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** Burns the same work as a real check, so an unknown username takes as long as a wrong password. */
  verifyDummy(password: string): Promise<void>;
  readonly queueLength: number;
}

export function createPasswordHasher(concurrency: number = availableParallelism()): PasswordHasher {
  const queue = new BoundedQueue(Math.max(1, concurrency));
  let dummyHash: Promise<string> | undefined;
  const hasher: PasswordHasher = {
    hash: (password) => queue.run(() => hash(password, owaspArgon2id)),
    verify: (passwordHash, password) =>
      queue.run(async () => {
        try {
          return await verify(passwordHash, password);
        } catch {
          return false; // an unreadable stored hash never lets anyone in
        }
      }),
    async verifyDummy(password) {
      dummyHash ??= hash('poortwachter-dummy-password-for-timing', owaspArgon2id);
      await hasher.verify(await dummyHash, password);
    },
    get queueLength() {
      return queue.length;
    },
  };
  return hasher;
}
