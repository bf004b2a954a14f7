// Codes that go by letter (activation, recovery): 12 characters from an alphabet without look-alikes
// (no 0/O/D/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V), printed in groups of four. 20^12 is about 2^52, and a
// code dies after a few wrong tries (NIST SP 800-63B 5.1.1: a look-up secret of at least 20 bits
// with a limited number of tries). Stored only as an HMAC under the instance's code-hash key, bound
// to the code's own id, so a hash cannot be replayed for another code.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

export const letterCodeAlphabet = 'ACEFHJKMNPRTWXY34679';
const codeLength = 12;

export function generateLetterCode(): string {
  let code = '';
  for (let index = 0; index < codeLength; index += 1) code += letterCodeAlphabet[randomInt(letterCodeAlphabet.length)];
  return code;
}

/** 'ACEFHJKMNPRT' -> 'ACEF-HJKM-NPRT', as the letter prints it. */
export function formatLetterCode(code: string): string {
  return code.match(/.{1,4}/g)!.join('-');
}

/** What the citizen typed, as a code: case, spaces and dashes do not matter; undefined when it cannot be one. */
export function normaliseLetterCode(input: string): string | undefined {
  const compact = input.replace(/[\s-]+/g, '').toUpperCase();
  if (compact.length !== codeLength) return undefined;
  return [...compact].every((char) => letterCodeAlphabet.includes(char)) ? compact : undefined;
}

export function hashLetterCode(key: string, codeId: string, code: string): string {
  return createHmac('sha256', key).update(`letter-code:${codeId}:${code}`).digest('hex');
}

export function letterCodeMatches(key: string, codeId: string, code: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = Buffer.from(hashLetterCode(key, codeId, code), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
