// Signed cookies keep Keygrip's format (HMAC-SHA1, unpadded base64url, newest key first), so cookies
// signed before stay valid, and a signature by no key, or altered, is refused.
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { cookieSigner } from '../../../src/frontends/oidc/cookie-signer.ts';

// Keygrip's own recipe, written out: base64 with '/' -> '_', '+' -> '-' and '=' dropped.
const keygripSignature = (data: string, key: string) =>
  createHmac('sha1', key)
    .update(data)
    .digest('base64')
    .replace(/\/|\+|=/g, (x) => ({ '/': '_', '+': '-', '=': '' })[x]!);

describe('cookie signatures (src/frontends/oidc/cookie-signer.ts)', () => {
  const data = '_session=Vx3-UE5kP2bJ0uWfS1f4r; path=/';

  it('signs with the newest key exactly as Keygrip does', () => {
    const signer = cookieSigner(['nieuwe-sleutel-é', 'oude-sleutel']);
    for (const value of [data, '', 'x'.repeat(1000), 'ünïcode=☃'])
      expect(signer.sign(value)).to.equal(keygripSignature(value, 'nieuwe-sleutel-é'));
  });

  it('finds the key that made a signature, older keys included', () => {
    const signer = cookieSigner(['nieuw', 'oud']);
    expect(signer.index(data, keygripSignature(data, 'nieuw'))).to.equal(0);
    expect(signer.index(data, keygripSignature(data, 'oud'))).to.equal(1);
    expect(signer.verify(data, keygripSignature(data, 'oud'))).to.equal(true);
  });

  it('refuses a signature by another key, of other data, altered, cut short or empty', () => {
    const signer = cookieSigner(['nieuw', 'oud']);
    const good = keygripSignature(data, 'nieuw');
    expect(signer.index(data, keygripSignature(data, 'vreemd'))).to.equal(-1);
    expect(signer.index(`${data}x`, good)).to.equal(-1);
    expect(signer.index(data, `${good[0] === 'A' ? 'B' : 'A'}${good.slice(1)}`)).to.equal(-1);
    expect(signer.index(data, good.slice(0, -1))).to.equal(-1);
    expect(signer.verify(data, '')).to.equal(false);
  });

  it('refuses to start without keys', () => {
    expect(() => cookieSigner([])).to.throw(/cookie keys/);
  });
});
