import { expect } from 'chai';
import { loadConfig } from '../../config/index.ts';
import { configError } from '../support/config-error.ts';

describe('SAML metadata refresh configuration', () => {
  it('checks every minute, refreshes between an hour and a day, retries after 5 minutes, fetches within 10 s', () => {
    expect(loadConfig({}).samlMetadata).to.deep.equal({
      refreshCheckSeconds: 60,
      minRefreshSeconds: 3600,
      maxRefreshSeconds: 86400,
      retrySeconds: 300,
      fetchTimeoutMs: 10_000,
    });
  });

  it('reads the environment variables', () => {
    const config = loadConfig({
      SAML_METADATA_REFRESH_CHECK_SECONDS: '0',
      SAML_METADATA_MIN_REFRESH_SECONDS: '600',
      SAML_METADATA_MAX_REFRESH_SECONDS: '7200',
      SAML_METADATA_RETRY_SECONDS: '30',
      SAML_METADATA_FETCH_TIMEOUT_MS: '2500',
    });
    expect(config.samlMetadata).to.deep.equal({
      refreshCheckSeconds: 0,
      minRefreshSeconds: 600,
      maxRefreshSeconds: 7200,
      retrySeconds: 30,
      fetchTimeoutMs: 2500,
    });
  });

  it('refuses a minimum above the maximum, and values out of range, naming the variable', () => {
    expect(
      configError({ SAML_METADATA_MIN_REFRESH_SECONDS: '7200', SAML_METADATA_MAX_REFRESH_SECONDS: '3600' }),
    ).to.match(/minRefreshSeconds must not be more than maxRefreshSeconds/);
    expect(configError({ SAML_METADATA_FETCH_TIMEOUT_MS: '120000' })).to.match(
      /samlMetadata\.fetchTimeoutMs \(environment variable SAML_METADATA_FETCH_TIMEOUT_MS\)/,
    );
  });
});
