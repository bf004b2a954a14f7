import { expect } from 'chai';
import { createHttpSmsGateway, renderSmsBody, type HttpSmsSettings } from '../../../src/gateways/sms/http.ts';
import { SmsGatewayError, type SmsMessage } from '../../../src/core/second-factor/sms-gateway.ts';
import { start, type FakeSmsProvider } from '../../support/fake-sms-provider.ts';
import { freePort } from '../../support/server.ts';

const message: SmsMessage = { to: '+31612345678', text: 'Uw code is 123456', purpose: 'login_code' };

function settings(url: string, overrides: Partial<HttpSmsSettings> = {}): HttpSmsSettings {
  return {
    url,
    authHeaderName: 'X-Api-Key',
    authHeaderValue: 'test-api-key',
    bodyTemplate: '{"recipient":"{{to}}","message":"{{text}}","sender":"Poortwachter"}',
    timeoutMs: 2000,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<SmsGatewayError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(SmsGatewayError);
    return error as SmsGatewayError;
  }
  throw new Error('expected the send to fail');
}

function expectNoSecrets(error: SmsGatewayError): void {
  // The cause is what fetch rejected with: an Error, which a log shows by name and message.
  const cause = error.cause instanceof Error ? String(error.cause) : '';
  const logged = `${error.message} ${cause} ${JSON.stringify(error.details)}`;
  expect(logged).to.not.include('123456');
  expect(logged).to.not.include(message.to);
  expect(logged).to.not.include('test-api-key');
}

describe('HTTP SMS gateway', () => {
  let provider: FakeSmsProvider;
  beforeEach(async () => {
    provider = await start({ mode: 'ok' });
  });
  afterEach(() => provider.stop());

  it('posts the message as JSON with the authentication header and resolves on 200', async () => {
    await createHttpSmsGateway(settings(provider.url)).send(message);
    expect(provider.received).to.have.length(1);
    const [request] = provider.received;
    expect(request!.headers['x-api-key']).to.equal('test-api-key');
    expect(request!.headers['content-type']).to.equal('application/json');
    expect(request!.body).to.deep.equal({
      recipient: '+31612345678',
      message: 'Uw code is 123456',
      sender: 'Poortwachter',
    });
  });

  it('keeps quotes, backslashes and newlines in the text as string content: no JSON injection', async () => {
    const text = 'Code 123456","recipient":"+19005550100","x":"\\"}\n\u2028{{to}} é';
    await createHttpSmsGateway(settings(provider.url)).send({ ...message, text });
    const body = provider.received[0]!.body as Record<string, string>;
    expect(Object.keys(body)).to.deep.equal(['recipient', 'message', 'sender']);
    expect(body.recipient).to.equal('+31612345678');
    expect(body.message).to.equal(text);
  });

  it('fills placeholders inside longer strings and nested objects of the template', () => {
    const body = renderSmsBody('{"to":["{{to}}"],"content":{"body":"Poortwachter: {{text}}"},"flash":false}', message);
    expect(JSON.parse(body)).to.deep.equal({
      to: ['+31612345678'],
      content: { body: 'Poortwachter: Uw code is 123456' },
      flash: false,
    });
  });

  it('throws SmsGatewayError http_status when the provider answers 503, without the text or number', async () => {
    provider.setMode('error503');
    const error = await failure(createHttpSmsGateway(settings(provider.url)).send(message));
    expect(error.reason).to.equal('http_status');
    expect(error.httpStatus).to.equal(503);
    expect(error.status).to.equal(503);
    expect(error.code).to.equal('sms.unavailable');
    expect(error.message).to.include('+31*******78');
    expectNoSecrets(error);
  });

  it('throws SmsGatewayError http_status on any answer outside 2xx, redirects included', async () => {
    for (const status of [302, 400, 401]) {
      const fakeFetch = (() =>
        Promise.resolve(
          new Response(null, {
            status,
            headers: status === 302 ? { location: 'https://elsewhere.example/' } : {},
          }),
        )) as typeof fetch;
      const error = await failure(createHttpSmsGateway(settings('https://sms.example/send'), fakeFetch).send(message));
      expect(error.reason).to.equal('http_status');
      expect(error.httpStatus).to.equal(status);
    }
  });

  it('throws SmsGatewayError timeout when the provider never answers, within the timeout', async () => {
    provider.setMode('hang');
    const started = Date.now();
    const error = await failure(createHttpSmsGateway(settings(provider.url, { timeoutMs: 300 })).send(message));
    const elapsed = Date.now() - started;
    expect(error.reason).to.equal('timeout');
    expect(provider.received).to.have.length(1);
    expect(elapsed).to.be.at.least(250).and.below(1500);
    expectNoSecrets(error);
  });

  it('throws SmsGatewayError network when the connection is refused', async () => {
    const closedPort = await freePort();
    const error = await failure(
      createHttpSmsGateway(settings(`http://127.0.0.1:${closedPort}/messages`)).send(message),
    );
    expect(error.reason).to.equal('network');
    expect(error.message).to.include('ECONNREFUSED');
    expectNoSecrets(error);
  });

  it('refuses a template that is not JSON when it is created, not at the first login', () => {
    expect(() =>
      createHttpSmsGateway(settings(provider.url, { bodyTemplate: '{"to":{{to}},"text":"{{text}}"}' })),
    ).to.throw(SyntaxError);
  });
});
