// The one decision of the required level, for the asks of both protocols: the
// webdienst's minimum always holds, an ask can only raise it, and a level we do not offer is unmet.
import { expect } from 'chai';
import { levels } from '../../src/core/levels.ts';
import { requiredLevel, type LevelAsk } from '../../src/core/required-level.ts';

const { basis, midden, substantieel } = levels;
const oidc = (...uris: string[]): LevelAsk => ({ comparison: 'minimum', uris, unknownUris: 'ignore' });
const saml = (comparison: LevelAsk['comparison'], ...uris: string[]): LevelAsk => ({
  comparison,
  uris,
  unknownUris: 'unmet',
});

describe('The required level (core)', () => {
  it('is the webdienst minimum when nothing is asked', () => {
    expect(requiredLevel('basis')).to.equal(basis);
    expect(requiredLevel('midden')).to.equal(midden);
  });

  it('never goes below the webdienst minimum', () => {
    expect(requiredLevel('midden', oidc(basis.uri))).to.equal(midden);
    expect(requiredLevel('midden', saml('exact', basis.uri))).to.equal(midden);
    expect(requiredLevel('midden', saml('maximum', midden.uri))).to.equal(midden);
  });

  it('takes the lowest acceptable OIDC acr value, ignoring values it does not know, also the eIDAS alias', () => {
    expect(requiredLevel('basis', oidc(midden.uri, substantieel.uri))).to.equal(midden);
    expect(requiredLevel('basis', oidc('urn:iets:onbekends', midden.eidasAlias!))).to.equal(midden);
    expect(requiredLevel('basis', oidc('urn:iets:onbekends'))).to.equal(basis);
  });

  it('answers unmet for a level that is not offered (Substantieel, Hoog)', () => {
    expect(requiredLevel('basis', oidc(substantieel.uri))).to.equal('unmet');
    expect(requiredLevel('basis', saml('minimum', substantieel.uri))).to.equal('unmet');
  });

  it('follows SAML comparisons: better raises one level, maximum caps, an unknown class is unmet', () => {
    expect(requiredLevel('basis', saml('better', basis.uri))).to.equal(midden);
    expect(requiredLevel('basis', saml('better', midden.uri))).to.equal('unmet');
    expect(requiredLevel('basis', saml('maximum', midden.uri))).to.equal(basis);
    expect(requiredLevel('midden', saml('maximum', basis.uri))).to.equal('unmet');
    expect(requiredLevel('basis', saml('exact', 'urn:iets:onbekends'))).to.equal('unmet');
    expect(requiredLevel('basis', saml('minimum'))).to.equal('unmet');
  });
});
