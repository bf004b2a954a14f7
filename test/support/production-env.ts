// A complete, valid production environment for tests that take one thing away
// from it, or that need the production configuration to pass so that a later refusal shows.
export const secret = (letter: string): string => letter.repeat(40);

export function productionEnv(): NodeJS.ProcessEnv {
  return {
    POORTWACHTER_ENV: 'production',
    PUBLIC_URL: 'https://inloggen.example.nl',
    DATABASE_URL: 'postgres://poortwachter@db.internal/poortwachter',
    SIGNING_KEY_FILES: '/etc/poortwachter/signing-2026.pem',
    SIGNING_CERTIFICATE_FILES: '/etc/poortwachter/signing-2026.crt',
    COOKIE_KEYS: `${secret('a')},${secret('b')}`,
    PAIRWISE_SALT: secret('c'),
    CODE_HASH_KEY: secret('d'),
    TOTP_KEYS: `k2026:${Buffer.alloc(32, 'e').toString('base64')}`,
    SMS_GATEWAY: 'http',
    SMS_HTTP_URL: 'https://sms.example.nl/send',
    SMS_HTTP_AUTH_HEADER: 'Authorization',
    SMS_HTTP_AUTH_VALUE: 'Bearer test',
    SMS_HTTP_BODY_TEMPLATE: '{"to":"{{to}}","text":"{{text}}"}',
    BRP_URL: 'https://brp.example.nl/haalcentraal/api/brp',
    BRP_API_KEY: 'brp-api-key',
    LETTERS_BATCH_DIRECTORY: '/var/spool/poortwachter/letters',
    TRUST_ANCHOR_FILES: '/etc/poortwachter/pkioverheid-roots.pem',
    BACK_CHANNEL_CLIENT_CERTS: 'proxy',
    BACK_CHANNEL_TRUSTED_PROXIES: '10.0.0.5',
    SOAP_CLIENT_CERT_FILE: '/etc/poortwachter/soap-client.crt',
    SOAP_CLIENT_KEY_FILE: '/etc/poortwachter/soap-client.key',
  };
}
