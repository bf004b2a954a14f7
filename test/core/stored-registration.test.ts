// A webdienst's stored protocol registration is read through its zod schema: what the front-ends use
// is what was checked, and a row that does not fit is an internal error that names the webdienst.
import { expect } from 'chai';
import { PoortwachterError } from '../../src/core/errors.ts';
import { offeredLevelName } from '../../src/core/levels.ts';
import { oidcRegistrationOf } from '../../src/frontends/oidc/client-metadata.ts';
import { samlRegistrationOf } from '../../src/frontends/saml/sp-metadata.ts';

const samlRegistration = {
  entityId: 'https://sp.example.nl/saml',
  assertionConsumerServices: [{ index: 0, binding: 'urn:b', location: 'https://sp.example.nl/acs', isDefault: true }],
  signingCertificates: ['MIIB'],
  encryptionCertificates: [],
  singleLogoutServices: [],
  authnRequestsSigned: true,
  responseBinding: 'artifact',
};

function errorOf(action: () => unknown): PoortwachterError {
  try {
    action();
  } catch (error) {
    if (error instanceof PoortwachterError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('stored webdienst registrations', () => {
  it('reads a SAML registration as stored, and the same row a second time without parsing again', () => {
    const webdienst = { clientId: samlRegistration.entityId, protocolMetadata: { ...samlRegistration } };
    const first = samlRegistrationOf(webdienst);
    expect(first).to.deep.equal(samlRegistration);
    expect(samlRegistrationOf(webdienst)).to.equal(first);
  });

  it('refuses a SAML registration that does not fit, naming the webdienst and the field, shown to no one', () => {
    const error = errorOf(() =>
      samlRegistrationOf({
        clientId: 'https://sp.example.nl/saml',
        protocolMetadata: { ...samlRegistration, responseBinding: 'soap', signingCertificates: 'MIIB' },
      }),
    );
    expect(error.status).to.equal(500);
    expect(error.expose).to.equal(false);
    expect(error.message).to.include('stored SAML registration of webdienst https://sp.example.nl/saml is invalid');
    expect(error.message).to.include('responseBinding');
    expect(error.message).to.include('signingCertificates');
  });

  it('reads an OIDC registration, keeping client metadata the schema does not name for oidc-provider', () => {
    const registration = oidcRegistrationOf({
      clientId: 'c1',
      protocolMetadata: {
        redirect_uris: ['https://rp.example.nl/cb'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: 'https://rp.example.nl/jwks',
        userinfo_signed_response_alg: 'RS256',
      },
    });
    expect(registration.redirect_uris).to.deep.equal(['https://rp.example.nl/cb']);
    expect(registration.userinfo_signed_response_alg).to.equal('RS256');
  });

  it('refuses an OIDC registration without redirect URIs or with an unknown client authentication', () => {
    const error = errorOf(() =>
      oidcRegistrationOf({
        clientId: 'c2',
        protocolMetadata: { redirect_uris: [], token_endpoint_auth_method: 'none' },
      }),
    );
    expect(error.message).to.include('stored OIDC registration of webdienst c2 is invalid');
    expect(error.message).to.match(/redirect_uris: .*>=1/);
    expect(error.message).to.include('token_endpoint_auth_method');
  });
});

describe('a webdienst minimum level as an operator gives it', () => {
  it('is basis when not given, and any case of an offered level', () => {
    expect(offeredLevelName(undefined)).to.equal('basis');
    expect(offeredLevelName('Midden')).to.equal('midden');
  });

  it('is refused when it is no level, or one Poortwachter does not offer yet', () => {
    expect(offeredLevelName('hoog')).to.equal(undefined);
    expect(offeredLevelName('substantieel')).to.equal(undefined);
    expect(offeredLevelName('midden ')).to.equal(undefined);
    expect(offeredLevelName('gold')).to.equal(undefined);
  });
});
