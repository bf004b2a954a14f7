// The one typed configuration of Poortwachter: defaults < config file < environment variables.
// This is the only module that reads process.env; everything else gets a Config.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const environments = ['development', 'preproduction', 'production'] as const;
export type Environment = (typeof environments)[number];

const throttleProfile = z.strictObject({
  freeFailures: z.number().int().min(1).max(1000),
  baseDelaySeconds: z.number().int().min(1).max(3600),
  maxDelaySeconds: z.number().int().min(1).max(3600),
  windowSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600),
});

// The JSON body an HTTP SMS provider gets: valid JSON whose string values may hold {{to}} and {{text}}
// (both required); the gateway substitutes them as JSON string content, so a text cannot inject JSON.
const smsBodyTemplate = z.string().superRefine((template, ctx) => {
  try {
    JSON.parse(template);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: 'must be valid JSON, with the placeholders inside strings, e.g. {"to":"{{to}}","message":"{{text}}"}',
    });
    return;
  }
  const unknown = [...template.matchAll(/\{\{\s*(\w*)\s*\}\}/g)]
    .map((match) => match[0])
    .filter((placeholder) => !['{{to}}', '{{text}}'].includes(placeholder));
  if (unknown.length)
    ctx.addIssue({
      code: 'custom',
      message: `knows only the placeholders {{to}} and {{text}}, not ${unknown.join(', ')}`,
    });
  for (const placeholder of ['{{to}}', '{{text}}']) {
    if (!template.includes(placeholder))
      ctx.addIssue({ code: 'custom', message: `must contain the placeholder ${placeholder}` });
  }
});

const sms = z
  .object({
    gateway: z.enum(['outbox', 'http'], {
      error: (issue) => (issue.input === undefined ? 'must be set: outbox or http' : 'must be outbox or http'),
    }),
    http: z
      .object({
        url: z
          .url({ protocol: /^https?$/ })
          .refine(
            (url) => !/^https?:\/\/[^/?#]*@/.test(url),
            'must not hold credentials; use sms.http.authHeaderValue',
          ),
        // RFC 9110 5.6.2: a header name is a token.
        authHeaderName: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name'),
        authHeaderValue: z
          .string()
          .min(1)
          .regex(/^[^\r\n]*$/, 'must not contain line breaks'),
        bodyTemplate: smsBodyTemplate,
        timeoutMs: z.number().int().min(100).max(30_000).default(5000),
      })
      .optional(),
    // The numbers codes may go to (toll-fraud and SMS-pumping guard); E.164 country codes are prefix-free.
    allowedCountryPrefixes: z
      .array(z.string().regex(/^\+[1-9]\d{0,5}$/, 'must be + and a country code, e.g. +31'))
      .min(1),
  })
  .superRefine((value, ctx) => {
    if (value.gateway === 'http' && !value.http) {
      ctx.addIssue({
        code: 'custom',
        path: ['http'],
        message:
          'must be set when sms.gateway is http (SMS_HTTP_URL, SMS_HTTP_AUTH_HEADER, SMS_HTTP_AUTH_VALUE, SMS_HTTP_BODY_TEMPLATE)',
      });
    }
  });

// `id:key`: an id of letters, digits, - or _ (stored with every ciphertext) and 32 random bytes in base64.
const totpKeyEntry = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/_-]{43}=?$/,
    'must be id:key, the key 32 bytes in base64 (openssl rand -base64 32)',
  );
// Where account requests are checked. The BRP adapter speaks the Haal
// Centraal BRP Personen Bevragen API; the seeded register is for development and preproduction.
// Missing BRP settings are reported with the production checks (missingGatewaySettings), so a
// production configuration names every problem at once.
const populationRegister = z.strictObject({
  source: z.enum(['seeded', 'brp'], { error: 'must be seeded or brp' }),
  brp: z
    .strictObject({
      // The API's base address; the adapter POSTs to <url>/personen.
      url: z
        .url({ protocol: /^https?$/ })
        .refine((url) => !/^https?:\/\/[^/?#]*@/.test(url), 'must not hold credentials; use BRP_API_KEY'),
      // RFC 9110 5.6.2: a header name is a token.
      apiKeyHeader: z
        .string()
        .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name')
        .default('X-API-KEY'),
      apiKey: z
        .string()
        .min(1)
        .regex(/^[^\r\n]*$/, 'must not contain line breaks'),
      timeoutMs: z.number().int().min(100).max(30_000).default(5000),
    })
    .optional(),
});

const schema = z.strictObject({
  environment: z.enum(environments),
  port: z.number().int().min(0).max(65535),
  publicUrl: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')),
  databaseUrl: z.string().min(1),
  trustProxy: z.boolean(),
  // Calls to webdiensten (back-channel logout, SOAP logout, jwks_uri) refuse loopback and private
  // addresses (SSRF); development allows them so webdiensten on this machine can be tried.
  allowPrivateNetworkCalls: z.boolean(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  password: z.strictObject({
    // NIST SP 800-63B rev 4: at least 15 for a password used as a single factor.
    minLength: z.number().int().min(8).max(64),
    maxLength: z.number().int().min(64).max(256),
    // argon2id checks one process runs at once (bounded by the cores). Unset: every core;
    // `serve --workers N` gives each worker its share, cores ÷ N.
    hashConcurrency: z.number().int().min(1).max(256).optional(),
  }),
  throttle: z.strictObject({
    // Guesses at one account from anywhere, from one client network, from anywhere to any account
    // (one network), and from a browser the citizen logged in with before (device cookie).
    account: throttleProfile,
    accountNetwork: throttleProfile,
    network: throttleProfile,
    device: throttleProfile,
    // NIST SP 800-63B 5.2.2: no more than 100 consecutive failures before the factor needs recovery.
    recoveryAfterFailures: z.number().int().min(10).max(100),
  }),
  oidc: z.strictObject({
    // ID token lifetime at most 5 minutes.
    idTokenTtlSeconds: z.number().int().min(30).max(300),
    accessTokenTtlSeconds: z.number().int().min(30).max(3600),
    authorizationCodeTtlSeconds: z.number().int().min(10).max(600),
    interactionTtlSeconds: z.number().int().min(60).max(3600),
    sessionTtlSeconds: z
      .number()
      .int()
      .min(300)
      .max(24 * 3600),
  }),
  login: z.strictObject({
    attemptTtlSeconds: z.number().int().min(60).max(3600),
  }),
  sso: z.strictObject({
    // Idle 15 minutes and absolute 3 hours by default.
    idleTimeoutSeconds: z
      .number()
      .int()
      .min(60)
      .max(4 * 3600),
    absoluteTimeoutSeconds: z
      .number()
      .int()
      .min(300)
      .max(24 * 3600),
    endOnAddressChange: z.boolean(),
    // The "you are logged in as ..." page before a reused session, per federation.
    skipInterstitialFederations: z.array(z.string().min(1)),
  }),
  secondFactor: z.strictObject({
    // One-time codes live 5 minutes by default, never more than 10.
    codeTtlSeconds: z.number().int().min(60).max(600),
    maxWrongTries: z.number().int().min(1).max(10),
    // NIST SP 800-63B 5.2.2: wrong codes are bounded whatever the method (SMS or app): per login
    // attempt, and per citizen over a window, so new attempts do not buy new guesses.
    wrongCodesPerAttempt: z.number().int().min(1).max(10),
    wrongCodesPerCitizen: z.strictObject({
      max: z.number().int().min(1).max(100),
      windowSeconds: z.number().int().min(60).max(86400),
    }),
    sendsPerAccount: z.strictObject({
      max: z.number().int().min(1).max(20),
      windowSeconds: z.number().int().min(60).max(86400),
    }),
    sendsPerAddress: z.strictObject({
      max: z.number().int().min(1).max(10000),
      windowSeconds: z.number().int().min(60).max(86400),
    }),
  }),
  keys: z.strictObject({
    // PEM (PKCS#8 or PKCS#1) or private JWK files; the first one signs, all are published (rollover).
    signingKeyFiles: z.array(z.string().min(1)),
    // PEM certificates of those keys, in the same order: published in the SAML metadata.
    signingCertificateFiles: z.array(z.string().min(1)),
  }),
  saml: z.strictObject({
    // An artifact works once and expires, at most 15 minutes; shorter is better.
    artifactTtlSeconds: z.number().int().min(10).max(900),
    // How old (or how far in the future, for clock skew) an AuthnRequest's IssueInstant may be.
    requestMaxAgeSeconds: z.number().int().min(30).max(900),
    clockSkewSeconds: z.number().int().min(0).max(300),
  }),
  secrets: z.strictObject({
    cookieKeys: z.array(z.string().min(32, 'must be at least 32 characters')),
    pairwiseSalt: z.string().min(32, 'must be at least 32 characters').optional(),
    codeHashKey: z.string().min(32, 'must be at least 32 characters').optional(),
    // AES-256-GCM keys for the authenticator-app secrets at rest, `id:key` with a key of 32 bytes in
    // base64; the first encrypts, all decrypt (rotation). Or a file holding one such line per key.
    totpKeys: z
      .array(totpKeyEntry)
      .refine((entries) => new Set(entries.map((entry) => entry.split(':')[0])).size === entries.length, {
        message: 'key ids must be unique',
      }),
    totpKeysFile: z.string().min(1).optional(),
  }),
  sms,
  seed: z.strictObject({
    testData: z.boolean(),
    // The JSON file of test citizens, organisations and webdiensten written on an empty database.
    file: z.string().min(1),
  }),
  demo: z.strictObject({
    enabled: z.boolean(),
    // The client_id of the registered OIDC webdienst that /demo logs in with (the seed registers it).
    clientId: z.string().min(1),
  }),
  shutdown: z.strictObject({
    // After SIGTERM, how long /readyz answers 503 while requests are still served, so that the load
    // balancer stops sending new ones before the port closes.
    drainSeconds: z.number().int().min(0).max(120),
    // How long requests in flight may take to finish before their connections are cut.
    timeoutSeconds: z.number().int().min(1).max(600),
  }),
  maintenance: z.strictObject({
    // How long each process may keep the maintenance switch it read (all processes follow
    // `poortwachter maintenance on|off` within this many seconds; 0 reads it on every request).
    refreshSeconds: z.number().int().min(0).max(60),
  }),
  housekeeping: z.strictObject({
    // How often each process tries the purge of expired rows (only one process purges at a time); 0: never.
    intervalSeconds: z.number().int().min(0).max(86400),
    // Rows one statement deletes at most, so no purge holds long locks.
    batchSize: z.number().int().min(10).max(100_000),
    // A purge run starts no new batch after this long; the next run goes on.
    timeBudgetSeconds: z.number().int().min(1).max(3600),
    // A login throttle is purged once its last failure is this long ago (its counts then start over).
    throttleRetentionSeconds: z
      .number()
      .int()
      .min(3600)
      .max(365 * 24 * 3600),
  }),
  trust: z.strictObject({
    // PEM bundles of root and intermediate CA certificates (production: the PKIoverheid roots) that a
    // webdienst's certificates must chain to.
    anchorFiles: z.array(z.string().min(1)),
    // CRLs (PEM or DER) of those CAs, read again every crlRefreshSeconds.
    crlFiles: z.array(z.string().min(1)),
    crlRefreshSeconds: z.number().int().min(10).max(86400),
  }),
  // Mutual TLS on the SAML back channel (SOAP ArtifactResolve and single logout): where the webdienst's
  // TLS client certificate comes from. 'listener': our own HTTPS listener (requestCert, the trust
  // anchors as CAs); 'proxy': a reverse proxy verified it and passes it in a header, believed only from
  // the proxy's addresses; 'none': no client certificates (refused in production).
  // HTTPS on the front channel when Poortwachter runs without a proxy that ends TLS.
  tls: z.strictObject({
    certificateFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
    // How often the certificate files (front and back channel) are read again: a renewed certificate
    // is served without a restart.
    reloadSeconds: z.number().int().min(1).max(86400),
  }),
  backChannel: z.strictObject({
    clientCertificates: z.enum(['none', 'listener', 'proxy'], { error: 'must be none, listener or proxy' }),
    port: z.number().int().min(0).max(65535).optional(),
    // Where webdiensten reach the SOAP endpoints: published in the SAML metadata (default publicUrl).
    url: z
      .url({ protocol: /^https?$/ })
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
    tlsCertificateFile: z.string().min(1).optional(),
    tlsKeyFile: z.string().min(1).optional(),
    // RFC 9110 5.6.2: a header name is a token.
    proxyHeader: z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name')
      .transform((name) => name.toLowerCase()),
    trustedProxies: z.array(z.union([z.ipv4(), z.ipv6()], { error: 'must be IP addresses' })),
    // Our own client certificate and key, presented on outgoing SOAP calls (single logout).
    clientCertificateFile: z.string().min(1).optional(),
    clientKeyFile: z.string().min(1).optional(),
  }),
  metrics: z.strictObject({
    enabled: z.boolean(),
    // Bearer token that /metrics requires; without one, production does not serve /metrics at all.
    token: z.string().min(32, 'must be at least 32 characters').optional(),
  }),
  populationRegister,
  // Activation and recovery letters: an outbox outside production, the mail house's PDF batch in it.
  letters: z.strictObject({
    gateway: z.enum(['outbox', 'batch'], { error: 'must be outbox or batch' }),
    batchDirectory: z.string().min(1).optional(),
  }),
  // Notifications by e-mail (nodemailer over SMTP); without smtpUrl no e-mail is sent.
  mail: z.strictObject({
    smtpUrl: z
      .string()
      .regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL')
      .optional(),
    from: z.string().min(3).max(200),
  }),
  // The citizen's own account request and activation.
  accountRequest: z.strictObject({
    activationCodeTtlDays: z.number().int().min(1).max(90),
    // Wrong codes (with the right password) before the code is dead and a new request is needed.
    maxWrongCodeTries: z.number().int().min(1).max(10),
    // Requests checked against the register per BSN, and requests per client network (/24 or /48).
    perBsn: z.strictObject({
      max: z.number().int().min(1).max(100),
      windowSeconds: z
        .number()
        .int()
        .min(60)
        .max(90 * 86400),
    }),
    perNetwork: z.strictObject({
      max: z.number().int().min(1).max(100_000),
      windowSeconds: z.number().int().min(60).max(86400),
    }),
  }),
  // SAML metadata registered by URL (`webdienst add-saml --metadata-url`): how often each process looks
  // for metadata due to be read again (0: never), the bounds on when that is (the metadata's
  // cacheDuration, or half its time left to validUntil, kept within them), the first retry after a
  // failure (doubling up to the maximum), and the time limit of one fetch.
  samlMetadata: z
    .strictObject({
      refreshCheckSeconds: z.number().int().min(0).max(86400),
      minRefreshSeconds: z
        .number()
        .int()
        .min(60)
        .max(7 * 86400),
      maxRefreshSeconds: z
        .number()
        .int()
        .min(60)
        .max(30 * 86400),
      retrySeconds: z.number().int().min(10).max(86400),
      fetchTimeoutMs: z.number().int().min(100).max(60_000),
    })
    .refine((value) => value.minRefreshSeconds <= value.maxRefreshSeconds, {
      message: 'minRefreshSeconds must not be more than maxRefreshSeconds',
    }),
});

export type Config = z.infer<typeof schema>;
type ConfigInput = z.input<typeof schema>;
type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K];
};
export type ConfigOverrides = DeepPartial<ConfigInput>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

// The seed file that comes with Poortwachter, wherever it is started from.
const defaultSeedFile = fileURLToPath(new URL('../seeds/development.json', import.meta.url));

function defaults(environment: Environment, port: number): ConfigInput {
  const production = environment === 'production';
  return {
    environment,
    port,
    // An invalid port is reported as such; a URL built from it would only add a second, puzzling error.
    publicUrl: `http://localhost:${Number.isInteger(port) ? port : 3000}`,
    databaseUrl: 'sqlite:./data/poortwachter.sqlite',
    trustProxy: false,
    allowPrivateNetworkCalls: environment === 'development',
    logLevel: 'info',
    password: { minLength: 15, maxLength: 128 },
    throttle: {
      account: { freeFailures: 20, baseDelaySeconds: 2, maxDelaySeconds: 900, windowSeconds: 24 * 3600 },
      accountNetwork: { freeFailures: 5, baseDelaySeconds: 2, maxDelaySeconds: 900, windowSeconds: 24 * 3600 },
      network: { freeFailures: 50, baseDelaySeconds: 2, maxDelaySeconds: 900, windowSeconds: 3600 },
      device: { freeFailures: 5, baseDelaySeconds: 2, maxDelaySeconds: 900, windowSeconds: 24 * 3600 },
      recoveryAfterFailures: 100,
    },
    oidc: {
      idTokenTtlSeconds: 300,
      accessTokenTtlSeconds: 300,
      authorizationCodeTtlSeconds: 60,
      interactionTtlSeconds: 900,
      sessionTtlSeconds: 3 * 3600,
    },
    login: { attemptTtlSeconds: 900 },
    sso: {
      idleTimeoutSeconds: 15 * 60,
      absoluteTimeoutSeconds: 3 * 3600,
      endOnAddressChange: false,
      skipInterstitialFederations: [],
    },
    secondFactor: {
      codeTtlSeconds: 300,
      maxWrongTries: 5,
      wrongCodesPerAttempt: 5,
      wrongCodesPerCitizen: { max: 10, windowSeconds: 3600 },
      sendsPerAccount: { max: 3, windowSeconds: 600 },
      sendsPerAddress: { max: 30, windowSeconds: 600 },
    },
    keys: { signingKeyFiles: [], signingCertificateFiles: [] },
    saml: { artifactTtlSeconds: 120, requestMaxAgeSeconds: 300, clockSkewSeconds: 60 },
    secrets: { cookieKeys: [], totpKeys: [] },
    // Outboxes outside production; production has no default and must name its
    // real gateway (validation reports sms.gateway missing), hence the cast over the absent key.
    sms: { ...(production ? {} : { gateway: 'outbox' }), allowedCountryPrefixes: ['+31'] } as ConfigInput['sms'],
    seed: { testData: !production, file: defaultSeedFile },
    demo: { enabled: !production, clientId: 'demo-webdienst' },
    shutdown: { drainSeconds: production ? 5 : 0, timeoutSeconds: 30 },
    metrics: { enabled: true },
    maintenance: { refreshSeconds: 5 },
    housekeeping: {
      intervalSeconds: 60,
      batchSize: 1000,
      timeBudgetSeconds: 10,
      throttleRetentionSeconds: 7 * 24 * 3600,
    },
    populationRegister: { source: production ? 'brp' : 'seeded' },
    letters: { gateway: production ? 'batch' : 'outbox' },
    mail: { from: 'Poortwachter <noreply@localhost>' },
    accountRequest: {
      activationCodeTtlDays: 20,
      maxWrongCodeTries: 5,
      perBsn: { max: 5, windowSeconds: 7 * 86400 },
      perNetwork: { max: 30, windowSeconds: 3600 },
    },
    trust: { anchorFiles: [], crlFiles: [], crlRefreshSeconds: 3600 },
    tls: { reloadSeconds: 300 },
    backChannel: { clientCertificates: 'none', proxyHeader: 'x-ssl-client-cert', trustedProxies: [] },
    samlMetadata: {
      refreshCheckSeconds: 60,
      minRefreshSeconds: 3600,
      maxRefreshSeconds: 86400,
      retrySeconds: 300,
      fetchTimeoutMs: 10_000,
    },
  };
}

// Environment variables, and the path in the config they set.
const envVariables: Record<string, { path: string; parse: (value: string) => unknown }> = {
  PORT: { path: 'port', parse: Number },
  PUBLIC_URL: { path: 'publicUrl', parse: String },
  DATABASE_URL: { path: 'databaseUrl', parse: String },
  TRUST_PROXY: { path: 'trustProxy', parse: parseBoolean },
  ALLOW_PRIVATE_NETWORK_CALLS: { path: 'allowPrivateNetworkCalls', parse: parseBoolean },
  LOG_LEVEL: { path: 'logLevel', parse: String },
  PASSWORD_MIN_LENGTH: { path: 'password.minLength', parse: Number },
  PASSWORD_HASH_CONCURRENCY: { path: 'password.hashConcurrency', parse: Number },
  SIGNING_KEY_FILES: { path: 'keys.signingKeyFiles', parse: parseList },
  SIGNING_CERTIFICATE_FILES: { path: 'keys.signingCertificateFiles', parse: parseList },
  SSO_IDLE_TIMEOUT_SECONDS: { path: 'sso.idleTimeoutSeconds', parse: Number },
  SSO_ABSOLUTE_TIMEOUT_SECONDS: { path: 'sso.absoluteTimeoutSeconds', parse: Number },
  SSO_END_ON_ADDRESS_CHANGE: { path: 'sso.endOnAddressChange', parse: parseBoolean },
  SSO_SKIP_INTERSTITIAL_FEDERATIONS: { path: 'sso.skipInterstitialFederations', parse: parseList },
  SAML_ARTIFACT_TTL_SECONDS: { path: 'saml.artifactTtlSeconds', parse: Number },
  COOKIE_KEYS: { path: 'secrets.cookieKeys', parse: parseList },
  PAIRWISE_SALT: { path: 'secrets.pairwiseSalt', parse: String },
  CODE_HASH_KEY: { path: 'secrets.codeHashKey', parse: String },
  TOTP_KEYS: { path: 'secrets.totpKeys', parse: parseList },
  TOTP_KEYS_FILE: { path: 'secrets.totpKeysFile', parse: String },
  CODE_TTL_SECONDS: { path: 'secondFactor.codeTtlSeconds', parse: Number },
  SMS_GATEWAY: { path: 'sms.gateway', parse: String },
  SMS_HTTP_URL: { path: 'sms.http.url', parse: String },
  SMS_HTTP_AUTH_HEADER: { path: 'sms.http.authHeaderName', parse: String },
  SMS_HTTP_AUTH_VALUE: { path: 'sms.http.authHeaderValue', parse: String },
  SMS_HTTP_BODY_TEMPLATE: { path: 'sms.http.bodyTemplate', parse: String },
  SMS_HTTP_TIMEOUT_MS: { path: 'sms.http.timeoutMs', parse: Number },
  SMS_ALLOWED_PREFIXES: { path: 'sms.allowedCountryPrefixes', parse: parseList },
  SEED_TEST_DATA: { path: 'seed.testData', parse: parseBoolean },
  DEMO_ENABLED: { path: 'demo.enabled', parse: parseBoolean },
  SEED_FILE: { path: 'seed.file', parse: String },
  DEMO_CLIENT_ID: { path: 'demo.clientId', parse: String },
  SHUTDOWN_DRAIN_SECONDS: { path: 'shutdown.drainSeconds', parse: Number },
  SHUTDOWN_TIMEOUT_SECONDS: { path: 'shutdown.timeoutSeconds', parse: Number },
  METRICS_ENABLED: { path: 'metrics.enabled', parse: parseBoolean },
  METRICS_TOKEN: { path: 'metrics.token', parse: String },
  MAINTENANCE_REFRESH_SECONDS: { path: 'maintenance.refreshSeconds', parse: Number },
  PURGE_INTERVAL_SECONDS: { path: 'housekeeping.intervalSeconds', parse: Number },
  PURGE_BATCH_SIZE: { path: 'housekeeping.batchSize', parse: Number },
  PURGE_TIME_BUDGET_SECONDS: { path: 'housekeeping.timeBudgetSeconds', parse: Number },
  THROTTLE_RETENTION_SECONDS: { path: 'housekeeping.throttleRetentionSeconds', parse: Number },
  POPULATION_REGISTER: { path: 'populationRegister.source', parse: String },
  BRP_URL: { path: 'populationRegister.brp.url', parse: String },
  BRP_API_KEY_HEADER: { path: 'populationRegister.brp.apiKeyHeader', parse: String },
  BRP_API_KEY: { path: 'populationRegister.brp.apiKey', parse: String },
  BRP_TIMEOUT_MS: { path: 'populationRegister.brp.timeoutMs', parse: Number },
  LETTERS_GATEWAY: { path: 'letters.gateway', parse: String },
  LETTERS_BATCH_DIRECTORY: { path: 'letters.batchDirectory', parse: String },
  ACTIVATION_CODE_TTL_DAYS: { path: 'accountRequest.activationCodeTtlDays', parse: Number },
  SMTP_URL: { path: 'mail.smtpUrl', parse: String },
  MAIL_FROM: { path: 'mail.from', parse: String },
  TRUST_ANCHOR_FILES: { path: 'trust.anchorFiles', parse: parseList },
  TRUST_CRL_FILES: { path: 'trust.crlFiles', parse: parseList },
  TRUST_CRL_REFRESH_SECONDS: { path: 'trust.crlRefreshSeconds', parse: Number },
  BACK_CHANNEL_CLIENT_CERTS: { path: 'backChannel.clientCertificates', parse: String },
  BACK_CHANNEL_PORT: { path: 'backChannel.port', parse: Number },
  BACK_CHANNEL_URL: { path: 'backChannel.url', parse: String },
  BACK_CHANNEL_TLS_CERT_FILE: { path: 'backChannel.tlsCertificateFile', parse: String },
  BACK_CHANNEL_TLS_KEY_FILE: { path: 'backChannel.tlsKeyFile', parse: String },
  BACK_CHANNEL_CLIENT_CERT_HEADER: { path: 'backChannel.proxyHeader', parse: String },
  BACK_CHANNEL_TRUSTED_PROXIES: { path: 'backChannel.trustedProxies', parse: parseList },
  SOAP_CLIENT_CERT_FILE: { path: 'backChannel.clientCertificateFile', parse: String },
  SOAP_CLIENT_KEY_FILE: { path: 'backChannel.clientKeyFile', parse: String },
  TLS_CERT_FILE: { path: 'tls.certificateFile', parse: String },
  TLS_KEY_FILE: { path: 'tls.keyFile', parse: String },
  TLS_RELOAD_SECONDS: { path: 'tls.reloadSeconds', parse: Number },
  SAML_METADATA_REFRESH_CHECK_SECONDS: { path: 'samlMetadata.refreshCheckSeconds', parse: Number },
  SAML_METADATA_MIN_REFRESH_SECONDS: { path: 'samlMetadata.minRefreshSeconds', parse: Number },
  SAML_METADATA_MAX_REFRESH_SECONDS: { path: 'samlMetadata.maxRefreshSeconds', parse: Number },
  SAML_METADATA_RETRY_SECONDS: { path: 'samlMetadata.retrySeconds', parse: Number },
  SAML_METADATA_FETCH_TIMEOUT_MS: { path: 'samlMetadata.fetchTimeoutMs', parse: Number },
};
export const documentedEnvironment = ['POORTWACHTER_ENV', 'POORTWACHTER_CONFIG', ...Object.keys(envVariables)];

function parseBoolean(value: string): unknown {
  if (['1', 'true', 'yes', 'on'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(value.toLowerCase())) return false;
  return value;
}

function parseList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    out[key] = isObject(value) && isObject(out[key]) ? merge(out[key], value) : value;
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function readConfigFile(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${path}: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw new ConfigError(`Config file ${path} must hold a JSON object`);
  return parsed;
}

/** Builds the configuration from an environment (process.env by default) and optional overrides (tests). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const file = env.POORTWACHTER_CONFIG ? readConfigFile(env.POORTWACHTER_CONFIG) : {};
  const environment = (overrides.environment ??
    env.POORTWACHTER_ENV ??
    file.environment ??
    'development') as Environment;
  if (!environments.includes(environment)) {
    throw new ConfigError(
      `Invalid configuration: environment (POORTWACHTER_ENV) must be one of ${environments.join(', ')}, not "${environment}"`,
    );
  }
  // An empty PORT counts as unset, as for every other variable (not as Number('') = 0, a random port).
  const port = Number(overrides.port ?? (env.PORT || undefined) ?? file.port ?? 3000);
  const fromEnv: Record<string, unknown> = {};
  const sourceOf: Record<string, string> = {};
  for (const [name, { path, parse }] of Object.entries(envVariables)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(fromEnv, path, parse(value));
    sourceOf[path] = name;
  }
  const merged = merge(merge(merge(defaults(environment, port), file), fromEnv), overrides);
  if (readTotpKeysFile(merged) && env.TOTP_KEYS_FILE) sourceOf['secrets.totpKeys'] = 'TOTP_KEYS_FILE';
  const result = schema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.join('.');
      // An issue inside a list (secrets.cookieKeys.0) comes from the variable that set the whole list.
      const variable = issue.path
        .map((_, index) => sourceOf[issue.path.slice(0, issue.path.length - index).join('.')])
        .find(Boolean);
      const source = variable ? ` (environment variable ${variable})` : '';
      return `${key}${source}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const config = result.data;
  config.databaseUrl = normaliseDatabaseUrl(config.databaseUrl);
  const missing = missingGatewaySettings(config);
  if (missing.length && config.environment !== 'production')
    throw new ConfigError(`Invalid configuration:\n  ${missing.join('\n  ')}`);
  assertBackChannelComplete(config);
  assertSafeForProduction(config);
  return config;
}

/** The lines of secrets.totpKeysFile (blank lines and # comments skipped) become secrets.totpKeys. */
function readTotpKeysFile(merged: Record<string, unknown>): boolean {
  const secrets = merged.secrets as { totpKeys?: unknown; totpKeysFile?: unknown };
  if (typeof secrets.totpKeysFile !== 'string' || secrets.totpKeysFile === '') return false;
  if (Array.isArray(secrets.totpKeys) && secrets.totpKeys.length)
    throw new ConfigError(
      'Invalid configuration: set secrets.totpKeys (TOTP_KEYS) or secrets.totpKeysFile (TOTP_KEYS_FILE), not both',
    );
  let text: string;
  try {
    text = readFileSync(secrets.totpKeysFile, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration: secrets.totpKeysFile (TOTP_KEYS_FILE): cannot read ${secrets.totpKeysFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  secrets.totpKeys = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  return true;
}

function normaliseDatabaseUrl(url: string): string {
  if (/^(sqlite:|postgres(ql)?:\/\/)/.test(url)) return url;
  throw new ConfigError(
    `Invalid configuration: databaseUrl (DATABASE_URL) must start with sqlite: or postgres://, got "${url.split(':')[0]}:..."`,
  );
}

/** Gateways chosen without the settings they need. */
function missingGatewaySettings(config: Config): string[] {
  const problems: string[] = [];
  if (config.populationRegister.source === 'brp' && !config.populationRegister.brp)
    problems.push('populationRegister.brp (BRP_URL, BRP_API_KEY) must be set when the population register is brp');
  if (config.letters.gateway === 'batch' && !config.letters.batchDirectory)
    problems.push('letters.batchDirectory (LETTERS_BATCH_DIRECTORY) must be set when letters go out in a batch');
  return problems;
}

/** Each back-channel deployment with what it needs; a key file only with its certificate. */
function assertBackChannelComplete(config: Config): void {
  const backChannel = config.backChannel;
  const problems: string[] = [];
  if (backChannel.clientCertificates === 'listener') {
    if (backChannel.port === undefined)
      problems.push('backChannel.port (BACK_CHANNEL_PORT) must be set for BACK_CHANNEL_CLIENT_CERTS=listener');
    if (!backChannel.tlsCertificateFile || !backChannel.tlsKeyFile)
      problems.push(
        'backChannel.tlsCertificateFile and tlsKeyFile (BACK_CHANNEL_TLS_CERT_FILE, BACK_CHANNEL_TLS_KEY_FILE) must be set for BACK_CHANNEL_CLIENT_CERTS=listener',
      );
    if (config.trust.anchorFiles.length === 0)
      problems.push(
        'trust.anchorFiles (TRUST_ANCHOR_FILES) must be set for BACK_CHANNEL_CLIENT_CERTS=listener: they are the CAs client certificates are asked for',
      );
  }
  if (backChannel.clientCertificates === 'proxy' && backChannel.trustedProxies.length === 0)
    problems.push(
      'backChannel.trustedProxies (BACK_CHANNEL_TRUSTED_PROXIES) must name the proxy addresses for BACK_CHANNEL_CLIENT_CERTS=proxy',
    );
  if (!config.tls.certificateFile !== !config.tls.keyFile)
    problems.push('tls.certificateFile and tls.keyFile (TLS_CERT_FILE, TLS_KEY_FILE) go together');
  if (!backChannel.clientCertificateFile !== !backChannel.clientKeyFile)
    problems.push(
      'backChannel.clientCertificateFile and clientKeyFile (SOAP_CLIENT_CERT_FILE, SOAP_CLIENT_KEY_FILE) go together',
    );
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
}

/** Production runs with configured keys and secrets, https, and no test data. */
function assertSafeForProduction(config: Config): void {
  if (config.environment !== 'production') return;
  const problems: string[] = [];
  if (!config.publicUrl.startsWith('https://')) problems.push('publicUrl (PUBLIC_URL) must use https:// in production');
  if (config.allowPrivateNetworkCalls)
    problems.push('allowPrivateNetworkCalls (ALLOW_PRIVATE_NETWORK_CALLS) must be false in production');
  if (config.keys.signingKeyFiles.length === 0)
    problems.push(
      'keys.signingKeyFiles (SIGNING_KEY_FILES) must name key files in production; generated keys are refused',
    );
  else if (config.keys.signingCertificateFiles.length !== config.keys.signingKeyFiles.length)
    problems.push(
      'keys.signingCertificateFiles (SIGNING_CERTIFICATE_FILES) must name one certificate per signing key file, in the same order (published in the SAML metadata)',
    );
  if (config.secrets.cookieKeys.length === 0)
    problems.push('secrets.cookieKeys (COOKIE_KEYS) must be set in production; generated secrets are refused');
  if (!config.secrets.pairwiseSalt) problems.push('secrets.pairwiseSalt (PAIRWISE_SALT) must be set in production');
  if (!config.secrets.codeHashKey) problems.push('secrets.codeHashKey (CODE_HASH_KEY) must be set in production');
  if (config.secrets.totpKeys.length === 0)
    problems.push(
      'secrets.totpKeys (TOTP_KEYS or TOTP_KEYS_FILE) must be set in production; a generated key is refused',
    );
  if (config.seed.testData) problems.push('seed.testData (SEED_TEST_DATA) must be off in production: no test citizens');
  if (config.demo.enabled) problems.push('demo.enabled (DEMO_ENABLED) must be off in production');
  if (config.sms.gateway === 'outbox')
    problems.push(
      'sms.gateway (SMS_GATEWAY) must be http in production: the SMS outbox is for development and preproduction',
    );
  if (config.sms.http && !config.sms.http.url.startsWith('https://'))
    problems.push('sms.http.url (SMS_HTTP_URL) must use https:// in production');
  if (config.databaseUrl.startsWith('sqlite:'))
    problems.push('databaseUrl (DATABASE_URL) must be PostgreSQL in production');
  problems.push(...missingGatewaySettings(config));
  if (config.populationRegister.source !== 'brp')
    problems.push(
      'populationRegister.source (POPULATION_REGISTER) must be brp in production: the seeded register is for development and preproduction',
    );
  if (config.populationRegister.brp && !config.populationRegister.brp.url.startsWith('https://'))
    problems.push('populationRegister.brp.url (BRP_URL) must use https:// in production');
  if (config.letters.gateway !== 'batch')
    problems.push(
      'letters.gateway (LETTERS_GATEWAY) must be batch in production: the letter outbox is for development and preproduction',
    );
  if (config.backChannel.clientCertificates === 'none')
    problems.push(
      'backChannel.clientCertificates (BACK_CHANNEL_CLIENT_CERTS) must be listener or proxy in production: the SOAP back channel requires TLS client certificates',
    );
  if (!config.backChannel.clientCertificateFile)
    problems.push(
      "backChannel.clientCertificateFile (SOAP_CLIENT_CERT_FILE) must be set in production: outgoing SOAP logout requests present Poortwachter's own client certificate",
    );
  if (config.trust.anchorFiles.length === 0)
    problems.push(
      "trust.anchorFiles (TRUST_ANCHOR_FILES) must name the PEM bundle of trust anchors in production (the PKIoverheid roots): webdiensten's certificates must chain to them",
    );
  if (problems.length) throw new ConfigError(`Refusing insecure production configuration:\n  ${problems.join('\n  ')}`);
}
