// The fuzz run of `npm run fuzz` (test/fuzz/run.ts), smaller, in the suite: malformed SAML messages
// (Redirect, POST, SOAP) and OIDC requests against the real app on loopback. None may be answered
// 5xx or left unanswered, none may write a row, and the service stays healthy.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { fuzzCase, runFuzz } from './run-cases.ts';
import { startFuzzTarget, type FuzzTarget } from './target.ts';

describe('fuzzing: malformed SAML and OIDC requests (test/fuzz)', function () {
  this.timeout(300_000);
  let target: FuzzTarget;
  before(async () => {
    target = await startFuzzTarget();
  });
  after(async () => {
    await target.stop();
  });

  it('makes the same cases from the same seed (at the same instant)', () => {
    const at = { ...target, now: () => Date.UTC(2026, 0, 1) };
    for (let index = 0; index < 40; index += 1) expect(fuzzCase(7, index, at)).to.deep.equal(fuzzCase(7, index, at));
    expect(fuzzCase(7, 0, at)).to.not.deep.equal(fuzzCase(8, 0, at));
  });

  it('answers 500 malformed requests without a 5xx, a hang or a write, and stays healthy', async () => {
    const report = await runFuzz(target, { count: 500, seed: Number(process.env.FUZZ_SEED ?? 20_260_102) });
    expect(report.failures, JSON.stringify(report.failures.slice(0, 5))).to.deep.equal([]);
    expect(report.writes, 'rows written for refused input').to.deep.equal({});
    expect(report.healthyAfterwards).to.equal(true);
    expect(report.errorLogLines, 'errors logged inside').to.deep.equal([]);
    expect(Object.keys(report.families), 'every binding and endpoint family was tried').to.include.members([
      'saml-redirect-sso',
      'saml-post-sso',
      'saml-soap-artifact',
      'saml-soap-slo',
      'oidc-authorize',
      'oidc-token',
    ]);
  });

  it('reports a 5xx, a dropped connection and a written row when a service gives them', async () => {
    let rows = 0;
    let requests = 0;
    const broken = createServer((request, response) => {
      requests += 1;
      rows += 1;
      if (requests % 3 === 0) request.socket.destroy();
      else response.writeHead(requests % 3 === 1 ? 500 : 200).end();
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    const port = (broken.address() as AddressInfo).port;
    try {
      const report = await runFuzz(
        {
          ...target,
          url: `http://127.0.0.1:${port}`,
          port,
          errorLogs: [],
          countRows: () => Promise.resolve({ login_attempts: rows, audit_events: 0 }),
        },
        { count: 12, seed: 1, concurrency: 1 },
      );
      expect(report.failures.some((failure) => failure.problem === 'answered 500')).to.equal(true);
      expect(report.failures.some((failure) => failure.problem.startsWith('no answer'))).to.equal(true);
      expect(report.writes.login_attempts).to.be.greaterThan(0);
    } finally {
      await new Promise((resolve) => broken.close(resolve));
    }
  });
});
