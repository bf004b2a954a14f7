import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigError, documentedEnvironment, loadConfig } from '../config/index.ts';
import { productionEnv, secret } from './support/production-env.ts';

/** The ConfigError loadConfig throws for this environment (fails the test when it throws none). */
function refusal(env: NodeJS.ProcessEnv, overrides: Parameters<typeof loadConfig>[1] = {}): ConfigError {
  try {
    loadConfig(env, overrides);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('configuration (config/index.ts)', () => {
  describe('defaults', () => {
    it('runs a development service on port 3000 with sqlite under ./data, test data and the demo', () => {
      const config = loadConfig({});
      expect(config.environment).to.equal('development');
      expect(config.port).to.equal(3000);
      expect(config.publicUrl).to.equal('http://localhost:3000');
      expect(config.databaseUrl).to.equal('sqlite:./data/poortwachter.sqlite');
      expect(config.seed.testData).to.equal(true);
      expect(config.demo.enabled).to.equal(true);
      expect(config.password.minLength).to.equal(15);
      expect(config.oidc.idTokenTtlSeconds).to.be.at.most(300);
      expect(config.keys.signingKeyFiles).to.deep.equal([]);
    });

    it('derives the public URL from PORT when PUBLIC_URL is not set', () => {
      const config = loadConfig({ PORT: '8080' });
      expect(config.port).to.equal(8080);
      expect(config.publicUrl).to.equal('http://localhost:8080');
    });

    it('reads no variable it does not document', () => {
      expect(documentedEnvironment).to.include.members([
        'POORTWACHTER_ENV',
        'POORTWACHTER_CONFIG',
        'PORT',
        'PUBLIC_URL',
        'DATABASE_URL',
      ]);
    });

    it("has every variable it reads in the README's configuration table", () => {
      const tableRows = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('| `'));
      const missing = documentedEnvironment.filter((name) => !tableRows.some((row) => row.startsWith(`| \`${name}\``)));
      expect(missing, 'variables without a README table row').to.deep.equal([]);
    });
  });

  describe('environment variables', () => {
    it('set the documented keys', () => {
      const config = loadConfig({
        POORTWACHTER_ENV: 'preproduction',
        PORT: '4000',
        PUBLIC_URL: 'https://acceptatie.example.nl/',
        DATABASE_URL: 'postgres://user:pass@db:5432/poortwachter',
        TRUST_PROXY: 'yes',
        LOG_LEVEL: 'warn',
        PASSWORD_MIN_LENGTH: '20',
        PASSWORD_HASH_CONCURRENCY: '3',
        COOKIE_KEYS: ` ${secret('a')} , ${secret('b')} `,
        SEED_TEST_DATA: 'off',
        DEMO_ENABLED: 'false',
      });
      expect(config.environment).to.equal('preproduction');
      expect(config.port).to.equal(4000);
      expect(config.publicUrl, 'trailing slash dropped').to.equal('https://acceptatie.example.nl');
      expect(config.databaseUrl).to.equal('postgres://user:pass@db:5432/poortwachter');
      expect(config.trustProxy).to.equal(true);
      expect(config.logLevel).to.equal('warn');
      expect(config.password.minLength).to.equal(20);
      expect(config.password.hashConcurrency).to.equal(3);
      expect(config.secrets.cookieKeys).to.deep.equal([secret('a'), secret('b')]);
      expect(config.seed.testData).to.equal(false);
      expect(config.demo.enabled).to.equal(false);
    });

    it('takes sqlite:PATH for another sqlite file', () => {
      expect(loadConfig({ DATABASE_URL: 'sqlite:/var/lib/poortwachter/db.sqlite' }).databaseUrl).to.equal(
        'sqlite:/var/lib/poortwachter/db.sqlite',
      );
    });

    it('ignores a variable set to the empty string', () => {
      expect(loadConfig({ PORT: '', LOG_LEVEL: '' }).port).to.equal(3000);
    });

    it('give way to overrides passed in (tests)', () => {
      const config = loadConfig(
        { PORT: '4000', LOG_LEVEL: 'warn' },
        { logLevel: 'silent', password: { minLength: 30 } },
      );
      expect(config.logLevel).to.equal('silent');
      expect(config.password.minLength).to.equal(30);
      expect(config.password.maxLength, 'a partial override keeps the rest').to.equal(128);
      expect(config.port).to.equal(4000);
    });
  });

  describe('a bad value', () => {
    const cases: Array<[string, NodeJS.ProcessEnv, string]> = [
      ['PORT=abc', { PORT: 'abc' }, 'port'],
      ['PORT=70000', { PORT: '70000' }, 'port'],
      ['PASSWORD_MIN_LENGTH=3', { PASSWORD_MIN_LENGTH: '3' }, 'password.minLength'],
      ['PASSWORD_HASH_CONCURRENCY=0', { PASSWORD_HASH_CONCURRENCY: '0' }, 'password.hashConcurrency'],
      ['PASSWORD_HASH_CONCURRENCY=two', { PASSWORD_HASH_CONCURRENCY: 'two' }, 'password.hashConcurrency'],
      ['LOG_LEVEL=loud', { LOG_LEVEL: 'loud' }, 'logLevel'],
      ['TRUST_PROXY=maybe', { TRUST_PROXY: 'maybe' }, 'trustProxy'],
      ['PUBLIC_URL=ftp://x', { PUBLIC_URL: 'ftp://example.nl' }, 'publicUrl'],
      ['COOKIE_KEYS=short', { COOKIE_KEYS: 'short' }, 'secrets.cookieKeys'],
    ];
    for (const [name, env, key] of cases) {
      it(`${name} is refused with the key and the variable named`, () => {
        const message = refusal(env).message;
        expect(message).to.include(key);
        expect(message).to.include(`environment variable ${Object.keys(env)[0]}`);
      });
    }

    it('PORT=abc is reported as the port alone, not also as a public URL built from it', () => {
      expect(refusal({ PORT: 'abc' }).message).to.not.include('publicUrl');
    });

    it('POORTWACHTER_ENV=staging is refused with the variable and the allowed values named', () => {
      const message = refusal({ POORTWACHTER_ENV: 'staging' }).message;
      expect(message).to.include('POORTWACHTER_ENV');
      expect(message).to.include('staging');
      expect(message).to.include('development, preproduction, production');
    });

    it('DATABASE_URL=mysql://x is refused with the key and the variable named', () => {
      const message = refusal({ DATABASE_URL: 'mysql://x' }).message;
      expect(message).to.include('databaseUrl (DATABASE_URL)');
      expect(message).to.include('sqlite: or postgres://');
    });

    it('lists every bad value at once', () => {
      const message = refusal({ PORT: 'abc', LOG_LEVEL: 'loud', PASSWORD_MIN_LENGTH: '3' }).message;
      for (const variable of ['PORT', 'LOG_LEVEL', 'PASSWORD_MIN_LENGTH'])
        expect(message).to.include(`environment variable ${variable}`);
    });
  });

  describe('a config file named by POORTWACHTER_CONFIG', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'poortwachter-config-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    function file(name: string, content: string): string {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    }

    it('sets keys over the defaults, and environment variables win over it', () => {
      const path = file(
        'config.json',
        JSON.stringify({
          environment: 'preproduction',
          port: 4100,
          logLevel: 'error',
          password: { minLength: 18 },
          throttle: { account: { freeFailures: 3 } },
        }),
      );
      const config = loadConfig({ POORTWACHTER_CONFIG: path, LOG_LEVEL: 'debug' });
      expect(config.environment).to.equal('preproduction');
      expect(config.port).to.equal(4100);
      expect(config.publicUrl).to.equal('http://localhost:4100');
      expect(config.logLevel, 'environment wins').to.equal('debug');
      expect(config.password).to.deep.equal({ minLength: 18, maxLength: 128 });
      expect(config.throttle.account.freeFailures).to.equal(3);
      expect(config.throttle.account.windowSeconds, 'the rest of a nested key keeps its default').to.equal(24 * 3600);
    });

    it('has a bad value refused with its key named', () => {
      const path = file('bad-value.json', JSON.stringify({ password: { minLength: 3 } }));
      expect(refusal({ POORTWACHTER_CONFIG: path }).message).to.include('password.minLength');
    });

    it('is refused with its path named when it is not JSON, not an object, or missing', () => {
      for (const path of [file('broken.json', '{ port: 1'), file('array.json', '[1, 2]'), join(dir, 'missing.json')]) {
        expect(refusal({ POORTWACHTER_CONFIG: path }).message).to.include(path);
      }
    });
  });

  describe('production', () => {
    it('accepts a complete production configuration, with test data and the demo off by default', () => {
      const config = loadConfig(productionEnv());
      expect(config.environment).to.equal('production');
      expect(config.seed.testData).to.equal(false);
      expect(config.demo.enabled).to.equal(false);
    });

    const refusals: Array<[string, NodeJS.ProcessEnv, string]> = [
      ['an http public URL', { PUBLIC_URL: 'http://inloggen.example.nl' }, 'publicUrl (PUBLIC_URL)'],
      [
        'no signing key files (generated keys)',
        { SIGNING_KEY_FILES: undefined },
        'keys.signingKeyFiles (SIGNING_KEY_FILES)',
      ],
      [
        'signing keys without their certificates',
        { SIGNING_CERTIFICATE_FILES: undefined },
        'keys.signingCertificateFiles (SIGNING_CERTIFICATE_FILES)',
      ],
      ['no cookie keys', { COOKIE_KEYS: undefined }, 'secrets.cookieKeys (COOKIE_KEYS)'],
      ['no pairwise salt', { PAIRWISE_SALT: undefined }, 'secrets.pairwiseSalt (PAIRWISE_SALT)'],
      ['test data', { SEED_TEST_DATA: 'true' }, 'seed.testData (SEED_TEST_DATA)'],
      ['the demo webdienst', { DEMO_ENABLED: 'true' }, 'demo.enabled (DEMO_ENABLED)'],
      ['sqlite', { DATABASE_URL: 'sqlite:./data/poortwachter.sqlite' }, 'databaseUrl (DATABASE_URL)'],
      ['no trust anchors', { TRUST_ANCHOR_FILES: undefined }, 'trust.anchorFiles (TRUST_ANCHOR_FILES)'],
      [
        'a back channel without client certificates',
        { BACK_CHANNEL_CLIENT_CERTS: 'none' },
        'backChannel.clientCertificates (BACK_CHANNEL_CLIENT_CERTS) must be listener or proxy in production',
      ],
      [
        'no client certificate of its own for SOAP logout',
        { SOAP_CLIENT_CERT_FILE: undefined, SOAP_CLIENT_KEY_FILE: undefined },
        'backChannel.clientCertificateFile (SOAP_CLIENT_CERT_FILE)',
      ],
    ];
    for (const [what, change, key] of refusals) {
      it(`refuses ${what}, naming ${key}`, () => {
        const message = refusal({ ...productionEnv(), ...change }).message;
        expect(message).to.include('production');
        expect(message).to.include(key);
      });
    }

    it('names every refused key at once', () => {
      const message = refusal({
        ...productionEnv(),
        PUBLIC_URL: 'http://inloggen.example.nl',
        SIGNING_KEY_FILES: undefined,
        SEED_TEST_DATA: 'true',
      }).message;
      for (const variable of ['PUBLIC_URL', 'SIGNING_KEY_FILES', 'SEED_TEST_DATA'])
        expect(message).to.include(variable);
    });

    it('refuses the same things when they come from overrides or a file', () => {
      expect(refusal(productionEnv(), { publicUrl: 'http://inloggen.example.nl' }).message).to.include('publicUrl');
      expect(refusal(productionEnv(), { seed: { testData: true } }).message).to.include('seed.testData');
    });
  });
});
