import { expect } from 'chai';
import { parsePhoneNumber } from '../../src/account/phone-number.ts';

const dutchOnly = ['+31'];

describe('reading a typed phone number (src/account/phone-number.ts)', () => {
  const accepted: Array<[string, string]> = [
    ['+31612345678', '+31612345678'],
    ['+31 6 12 34 56 78', '+31612345678'],
    ['06-12345678', '+31612345678'],
    ['06 1234 5678', '+31612345678'],
    ['(06) 12345678', '+31612345678'],
    ['+31 (0)6 12345678', '+31612345678'],
    ['0031612345678', '+31612345678'],
    ['＋３１６１２３４５６７８', '+31612345678'],
  ];
  for (const [typed, stored] of accepted) {
    it(`reads "${typed}" as ${stored}`, () => {
      expect(parsePhoneNumber(typed, dutchOnly)).to.deep.equal({ ok: true, phone: stored });
    });
  }

  const refused: Array<[string, string]> = [
    ['', 'account.phone_missing'],
    ['   ', 'account.phone_missing'],
    ['0612345', 'account.phone_invalid'],
    ['+316123456789012345', 'account.phone_invalid'],
    ['mijn nummer', 'account.phone_invalid'],
    ['+31612345678;drop', 'account.phone_invalid'],
    [`+316${'1'.repeat(60)}`, 'account.phone_invalid'],
    ['+447700900123', 'account.phone_country_not_allowed'],
    ['0032470123456', 'account.phone_country_not_allowed'],
    ['+310612345678', 'account.phone_not_mobile'],
    ['020 1234567', 'account.phone_not_mobile'],
    ['+31201234567', 'account.phone_not_mobile'],
  ];
  for (const [typed, reason] of refused) {
    it(`refuses "${typed.slice(0, 30)}" with ${reason}`, () => {
      expect(parsePhoneNumber(typed, dutchOnly)).to.deep.equal({ ok: false, reason });
    });
  }

  it('accepts another country only when the configuration allows its prefix', () => {
    expect(parsePhoneNumber('+32470123456', ['+31', '+32'])).to.deep.equal({ ok: true, phone: '+32470123456' });
    expect(parsePhoneNumber('+32470123456', dutchOnly)).to.deep.equal({
      ok: false,
      reason: 'account.phone_country_not_allowed',
    });
  });
});
