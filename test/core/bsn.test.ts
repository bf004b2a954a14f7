import { expect } from 'chai';
import { isValidBsn } from '../../src/core/bsn.ts';

describe('BSN 11-check (src/core/bsn.ts)', () => {
  it('accepts the fictitious test BSNs', () => {
    for (const bsn of ['999993653', '999990019', '999991905']) expect(isValidBsn(bsn), bsn).to.equal(true);
  });

  it('subtracts the last digit instead of adding it (the 11-check, not the bank-account check)', () => {
    // 111222333: 9+8+7+12+10+8+9+6-3 = 66, a multiple of 11; with +3 it would be 72.
    expect(isValidBsn('111222333')).to.equal(true);
    // 123456789: with the last weight +1 the sum is 165 (a multiple of 11); with -1 it is 147.
    expect(isValidBsn('123456789')).to.equal(false);
  });

  it('refuses 000000000, which passes the sum', () => {
    expect(isValidBsn('000000000')).to.equal(false);
  });

  it('refuses a number whose check digit is off by one', () => {
    for (const bsn of ['999993654', '999993652', '999990018', '999991906'])
      expect(isValidBsn(bsn), bsn).to.equal(false);
  });

  it('refuses anything but exactly nine digits in length', () => {
    for (const bsn of ['', '99999365', '0999993653', '9999936530', '12345678'])
      expect(isValidBsn(bsn), bsn).to.equal(false);
  });

  it('refuses letters, spaces, signs and other digits than 0-9', () => {
    for (const bsn of [
      '99999365a',
      'abcdefghi',
      ' 99999365',
      '999993653 ',
      '9999-9365',
      '+99999365',
      '99999365\n',
      '９９９９９３６５３',
    ]) {
      expect(isValidBsn(bsn), JSON.stringify(bsn)).to.equal(false);
    }
  });
});
