import { expect } from 'chai';
import { loadConfig } from '../../../config/index.ts';
import {
  createSmsGateway,
  hasAllowedCountryPrefix,
  maskPhoneNumber,
  SmsGatewayError,
} from '../../../src/gateways/sms/index.ts';
import type { SmsOutboxRow } from '../../../src/stores/index.ts';

describe('SMS gateway choice and guards', () => {
  it('masks a number down to its country prefix and last two digits', () => {
    expect(maskPhoneNumber('+31612345678')).to.equal('+31*******78');
    expect(maskPhoneNumber('+14155550123')).to.equal('+1********23');
    expect(maskPhoneNumber('+352621123456')).to.equal('+352*******56');
    expect(maskPhoneNumber('0612345678')).to.equal('********78');
    expect(maskPhoneNumber('+3161')).to.equal('+31**');
  });

  it('allows only E.164 numbers with an allowed country prefix', () => {
    expect(hasAllowedCountryPrefix('+31612345678', ['+31'])).to.equal(true);
    expect(hasAllowedCountryPrefix('+32470123456', ['+31'])).to.equal(false);
    expect(hasAllowedCountryPrefix('+32470123456', ['+31', '+32'])).to.equal(true);
    expect(hasAllowedCountryPrefix('0612345678', ['+31'])).to.equal(false);
    expect(hasAllowedCountryPrefix('+31 6 12345678', ['+31'])).to.equal(false);
  });

  it('uses the outbox by default in development and refuses numbers outside the allowed prefixes', async () => {
    const stored: Array<Omit<SmsOutboxRow, 'id'>> = [];
    const store = {
      insertOutboxSms: (row: Omit<SmsOutboxRow, 'id'>) => {
        stored.push(row);
        return Promise.resolve();
      },
    };
    const gateway = createSmsGateway(loadConfig({ POORTWACHTER_ENV: 'development' }), store, { now: () => 42 });
    expect(gateway.kind).to.equal('outbox');
    await gateway.send({ to: '+31612345678', text: 'Uw code is 123456', purpose: 'login_code' });
    expect(stored).to.deep.equal([
      { to: '+31612345678', text: 'Uw code is 123456', purpose: 'login_code', createdAt: 42 },
    ]);
    const error = await gateway.send({ to: '+882123456789', text: 'Uw code is 123456', purpose: 'login_code' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(SmsGatewayError);
    expect((error as SmsGatewayError).reason).to.equal('number_not_allowed');
    expect((error as SmsGatewayError).code).to.equal('sms.number_not_allowed');
    expect(stored).to.have.length(1);
  });

  it('uses the HTTP gateway when configured', async () => {
    const config = loadConfig({
      SMS_GATEWAY: 'http',
      SMS_HTTP_URL: 'https://sms.example/send',
      SMS_HTTP_AUTH_HEADER: 'Authorization',
      SMS_HTTP_AUTH_VALUE: 'Bearer abc',
      SMS_HTTP_BODY_TEMPLATE: '{"to":"{{to}}","body":"{{text}}"}',
    });
    const calls: Array<[string, RequestInit | undefined]> = [];
    const fakeFetch = ((url: string, init?: RequestInit) => {
      calls.push([url, init]);
      return Promise.resolve(new Response(null, { status: 202 }));
    }) as typeof fetch;
    const gateway = createSmsGateway(
      config,
      { insertOutboxSms: () => expect.fail('no outbox') },
      { now: () => 0 },
      fakeFetch,
    );
    expect(gateway.kind).to.equal('http');
    await gateway.send({ to: '+31612345678', text: 'Uw code is 123456', purpose: 'login_code' });
    expect(calls).to.have.length(1);
    expect(calls[0]![0]).to.equal('https://sms.example/send');
    expect((calls[0]![1]!.headers as Record<string, string>).Authorization).to.equal('Bearer abc');
  });
});
