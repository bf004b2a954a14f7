// The DER reader the CRL and subject parsing rest on: crafted input ends in an error, never a read
// past the buffer or a loop.
import { expect } from 'chai';
import { childrenOf, DerError, integerHex, oidText, readDer, timeValue } from '../../../src/core/trust/der.ts';
import { parseCrl } from '../../../src/core/trust/crl.ts';

const bytes = (...values: number[]) => Buffer.from(values);

describe('DER reader (src/core/trust/der.ts)', () => {
  it('reads a SEQUENCE of an INTEGER and an OID', () => {
    const node = readDer(bytes(0x30, 0x08, 0x02, 0x02, 0x00, 0xff, 0x06, 0x02, 0x55, 0x04));
    const [integer, oid] = childrenOf(node);
    expect(integerHex(integer!)).to.equal('FF');
    expect(oidText(oid!)).to.equal('2.5.4');
  });

  it('reads UTCTime before and after 2050 the RFC 5280 way, and GeneralizedTime', () => {
    const utc = (text: string) => readDer(Buffer.concat([bytes(0x17, text.length), Buffer.from(text)]));
    expect(new Date(timeValue(utc('491231235959Z'))).toISOString()).to.equal('2049-12-31T23:59:59.000Z');
    expect(new Date(timeValue(utc('500101000000Z'))).toISOString()).to.equal('1950-01-01T00:00:00.000Z');
    const generalized = readDer(Buffer.concat([bytes(0x18, 15), Buffer.from('20600101000000Z')]));
    expect(new Date(timeValue(generalized)).toISOString()).to.equal('2060-01-01T00:00:00.000Z');
  });

  const refusals: Array<[string, Buffer, string]> = [
    ['a length past the end', bytes(0x30, 0x05, 0x02, 0x01, 0x00), 'element longer than its container'],
    ['an indefinite length', bytes(0x30, 0x80, 0x00, 0x00), 'indefinite or oversized length'],
    ['a five-byte length', bytes(0x30, 0x85, 1, 0, 0, 0, 0), 'indefinite or oversized length'],
    ['trailing bytes', bytes(0x02, 0x01, 0x00, 0x00), 'trailing bytes'],
    ['a lone tag', bytes(0x30), 'truncated element'],
    ['a multi-byte tag', bytes(0x1f, 0x01, 0x00), 'multi-byte tags are not used here'],
  ];
  for (const [what, input, message] of refusals) {
    it(`refuses ${what}`, () => {
      expect(() => readDer(input)).to.throw(DerError, message);
    });
  }

  it('refuses a child that runs past its parent, and a CRL that is no CRL', () => {
    expect(() => childrenOf(readDer(bytes(0x30, 0x03, 0x02, 0x05, 0x00)))).to.throw(
      DerError,
      'element longer than its container',
    );
    expect(() => parseCrl(bytes(0x30, 0x00))).to.throw(DerError, 'tbsCertList: unexpected element');
    expect(() => oidText(readDer(bytes(0x06, 0x01, 0x81)))).to.throw(DerError, 'truncated object identifier');
  });
});
