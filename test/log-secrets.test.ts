// over the whole suite: after every test has run, no log line of any test
// server holds a test password, a test BSN or a full test phone number. (A root-level hook: mocha
// runs it once, after all files.)
import { expect } from 'chai';
import { testCitizens } from '../seeds/development.ts';
import { capturedLogLines } from './support/server.ts';

after('no test password, BSN or full phone number in any log line of the suite', () => {
  expect(capturedLogLines.length, 'the suite captured no log lines: the check would be empty').to.be.greaterThan(20);
  const secrets = testCitizens.flatMap((citizen) => [
    citizen.password,
    citizen.bsn,
    ...(citizen.phone ? [citizen.phone] : []),
  ]);
  const leaks = capturedLogLines.filter((line) => secrets.some((secret) => line.includes(secret)));
  expect(leaks.slice(0, 3), `${leaks.length} log lines hold a secret`).to.deep.equal([]);
  expect(
    capturedLogLines
      .filter((line) => /"(password|code|bsn|token|id_token|access_token)":"(?!\[redacted\])/.test(line))
      .slice(0, 3),
  ).to.deep.equal([]);
});
