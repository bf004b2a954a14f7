import { expect } from 'chai';
import { loadConfig } from '../../config/index.ts';
import { configError } from '../support/config-error.ts';

const http = {
  SMS_GATEWAY: 'http',
  SMS_HTTP_URL: 'https://sms.example/send',
  SMS_HTTP_AUTH_HEADER: 'X-Api-Key',
  SMS_HTTP_AUTH_VALUE: 'secret-key',
  SMS_HTTP_BODY_TEMPLATE: '{"to":"{{to}}","message":"{{text}}"}',
};

describe('SMS configuration', () => {
  it('defaults to the outbox and +31 outside production', () => {
    for (const environment of ['development', 'preproduction']) {
      const { sms } = loadConfig({ POORTWACHTER_ENV: environment });
      expect(sms).to.deep.equal({ gateway: 'outbox', allowedCountryPrefixes: ['+31'] });
    }
  });

  it('reads the HTTP provider from the environment, with a 5 second default timeout', () => {
    const { sms } = loadConfig({ ...http, SMS_ALLOWED_PREFIXES: '+31, +32' });
    expect(sms).to.deep.equal({
      gateway: 'http',
      http: {
        url: 'https://sms.example/send',
        authHeaderName: 'X-Api-Key',
        authHeaderValue: 'secret-key',
        bodyTemplate: '{"to":"{{to}}","message":"{{text}}"}',
        timeoutMs: 5000,
      },
      allowedCountryPrefixes: ['+31', '+32'],
    });
    expect(loadConfig({ ...http, SMS_HTTP_TIMEOUT_MS: '1500' }).sms.http!.timeoutMs).to.equal(1500);
  });

  it('names the missing key when the HTTP gateway has no settings', () => {
    expect(configError({ SMS_GATEWAY: 'http' })).to.match(/sms\.http: must be set when sms\.gateway is http/);
    expect(configError({ ...http, SMS_HTTP_URL: '' })).to.match(/sms\.http\.url/);
  });

  it('refuses a timeout outside 100..30000 ms and a bad gateway name', () => {
    expect(configError({ ...http, SMS_HTTP_TIMEOUT_MS: '50' })).to.include(
      'sms.http.timeoutMs (environment variable SMS_HTTP_TIMEOUT_MS)',
    );
    expect(configError({ ...http, SMS_HTTP_TIMEOUT_MS: '60000' })).to.include('sms.http.timeoutMs');
    expect(configError({ SMS_GATEWAY: 'pigeon' })).to.include(
      'sms.gateway (environment variable SMS_GATEWAY): must be outbox or http',
    );
  });

  it('refuses a body template that is not JSON, misses a placeholder or names an unknown one', () => {
    expect(configError({ ...http, SMS_HTTP_BODY_TEMPLATE: '{"to":{{to}},"message":"{{text}}"}' })).to.include(
      'sms.http.bodyTemplate (environment variable SMS_HTTP_BODY_TEMPLATE): must be valid JSON',
    );
    expect(configError({ ...http, SMS_HTTP_BODY_TEMPLATE: '{"to":"{{to}}"}' })).to.include(
      'must contain the placeholder {{text}}',
    );
    expect(
      configError({ ...http, SMS_HTTP_BODY_TEMPLATE: '{"to":"{{to}}","m":"{{text}}","c":"{{code}}"}' }),
    ).to.include('not {{code}}');
  });

  it('refuses credentials in the provider URL and prefixes that are not +digits', () => {
    expect(configError({ ...http, SMS_HTTP_URL: 'https://user:pass@sms.example/send' })).to.include('sms.http.url');
    expect(configError({ SMS_ALLOWED_PREFIXES: '31' })).to.include('sms.allowedCountryPrefixes.0');
  });

  it('has no default in production, refuses the outbox there and wants https for the provider', () => {
    expect(configError({ POORTWACHTER_ENV: 'production' })).to.match(/sms\.gateway: must be set/);
    expect(configError({ POORTWACHTER_ENV: 'production', SMS_GATEWAY: 'outbox' })).to.include(
      'sms.gateway (SMS_GATEWAY) must be http in production',
    );
    expect(
      configError({ POORTWACHTER_ENV: 'production', ...http, SMS_HTTP_URL: 'http://sms.example/send' }),
    ).to.include('sms.http.url (SMS_HTTP_URL) must use https:// in production');
  });
});
