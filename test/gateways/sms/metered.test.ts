// The SMS counters of /metrics: every accepted message and every refusal, by the gateway's reason;
// the message passes through unchanged and a failure still reaches the caller.
import { expect } from 'chai';
import { meteredSmsGateway } from '../../../src/gateways/sms/metered.ts';
import { SmsGatewayError, type SmsGateway, type SmsMessage } from '../../../src/core/second-factor/sms-gateway.ts';

describe('metered SMS gateway (src/gateways/sms/metered.ts)', () => {
  const message: SmsMessage = { to: '+31612345678', text: 'Uw code is 123456', purpose: 'login_code' };

  function meter() {
    const counted: string[] = [];
    return {
      counted,
      sent: (gateway: string) => counted.push(`sent ${gateway}`),
      failed: (gateway: string, reason: string) => counted.push(`failed ${gateway} ${reason}`),
    };
  }

  it('counts an accepted message and hands the message over unchanged', async () => {
    const delivered: SmsMessage[] = [];
    const counts = meter();
    const gateway: SmsGateway = {
      kind: 'http',
      send: (sent) => {
        delivered.push(sent);
        return Promise.resolve();
      },
    };
    await meteredSmsGateway(gateway, counts).send(message);
    expect(delivered).to.deep.equal([message]);
    expect(counts.counted).to.deep.equal(['sent http']);
  });

  it('counts a refusal by its reason and still throws it', async () => {
    const counts = meter();
    const failing: SmsGateway = {
      kind: 'http',
      send: () => Promise.reject(new SmsGatewayError('timeout', 'SMS provider did not answer')),
    };
    const error = await meteredSmsGateway(failing, counts)
      .send(message)
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).to.be.instanceOf(SmsGatewayError);
    expect(counts.counted).to.deep.equal(['failed http timeout']);
  });
});
