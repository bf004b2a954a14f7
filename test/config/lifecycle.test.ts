import { expect } from 'chai';
import { loadConfig } from '../../config/index.ts';
import { configError } from '../support/config-error.ts';
import { productionEnv } from '../support/production-env.ts';

describe('letters, mail and account request configuration', () => {
  it('defaults: letter outbox outside production, the batch in production, 20-day codes, no e-mail', () => {
    const development = loadConfig({});
    expect(development.letters).to.deep.equal({ gateway: 'outbox' });
    expect(development.accountRequest.activationCodeTtlDays).to.equal(20);
    expect(development.accountRequest.maxWrongCodeTries).to.equal(5);
    expect(development.mail.smtpUrl).to.equal(undefined);
    expect(loadConfig(productionEnv()).letters).to.deep.equal({
      gateway: 'batch',
      batchDirectory: '/var/spool/poortwachter/letters',
    });
  });

  it('reads ACTIVATION_CODE_TTL_DAYS, SMTP_URL and MAIL_FROM, and refuses bad values naming them', () => {
    const config = loadConfig({
      ACTIVATION_CODE_TTL_DAYS: '30',
      SMTP_URL: 'smtp://relay.internal:25',
      MAIL_FROM: 'PW <pw@example.nl>',
    });
    expect(config.accountRequest.activationCodeTtlDays).to.equal(30);
    expect(config.mail).to.include({ smtpUrl: 'smtp://relay.internal:25', from: 'PW <pw@example.nl>' });
    expect(configError({ ACTIVATION_CODE_TTL_DAYS: '0' })).to.include('ACTIVATION_CODE_TTL_DAYS');
    expect(configError({ SMTP_URL: 'http://mail' })).to.include('mail.smtpUrl (environment variable SMTP_URL)');
    expect(configError({ LETTERS_GATEWAY: 'pigeon' })).to.include('must be outbox or batch');
    expect(configError({ LETTERS_GATEWAY: 'batch' })).to.include(
      'letters.batchDirectory (LETTERS_BATCH_DIRECTORY) must be set when letters go out in a batch',
    );
  });

  it('refuses the letter outbox in production, naming the setting', () => {
    expect(configError({ ...productionEnv(), LETTERS_GATEWAY: 'outbox' })).to.include(
      'letters.gateway (LETTERS_GATEWAY) must be batch in production',
    );
    expect(configError({ ...productionEnv(), LETTERS_BATCH_DIRECTORY: '' })).to.include('LETTERS_BATCH_DIRECTORY');
  });
});
