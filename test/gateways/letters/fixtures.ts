import type { Letter } from '../../../src/core/letters/letter-gateway.ts';

export function sampleLetter(overrides: Partial<Letter> = {}): Letter {
  return {
    id: 'L-7Q2X9',
    kind: 'activation',
    recipient: { name: 'S. el Amrani', addressLines: ['Havenweg 45-2', "2511 AB  'S-GRAVENHAGE"] },
    code: 'ACDE-FGHJ-KMNP',
    expiresAt: Date.parse('2026-12-23T12:00:00Z'),
    useAt: 'https://inloggen.example.nl/activeren',
    createdAt: Date.parse('2026-12-03T09:30:00Z'),
    ...overrides,
  };
}
