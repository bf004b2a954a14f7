// A seeded pseudo-random generator (mulberry32): the same seed gives the same cases, so a failing
// case can be replayed exactly. Not for anything secret.
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let index = 0; index < length; index += 1) out[index] = this.int(0, 255);
    return out;
  }

  /** Text from an alphabet that includes what breaks parsers: markup, quotes, percent signs, controls, non-ASCII. */
  text(length: number): string {
    const alphabet = 'abcXYZ019 <>&"\'%=;:/?#[]{}\\\n\r\t\0\u00e9\u202e\ud83d\ude00+-_.,~`|^$';
    let out = '';
    for (let index = 0; index < length; index += 1) out += alphabet[this.int(0, alphabet.length - 1)];
    // A lone surrogate half may remain where the emoji was cut: that too is input a client can send.
    return out;
  }

  /** One of a few lengths, mostly short, sometimes large. */
  length(): number {
    return this.pick([0, 1, 2, 8, 40, 200, 1000, 5000, 70_000]);
  }
}
