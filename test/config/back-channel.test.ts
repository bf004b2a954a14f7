// The configuration of the trust anchors, the two back-channel deployments and HTTPS: defaults, what
// the environment sets, and each incomplete deployment refused with the variables named.
import { expect } from 'chai';
import { loadConfig } from '../../config/index.ts';
import { configError } from '../support/config-error.ts';

describe('trust, back-channel and TLS configuration', () => {
  it('has no anchors, no client certificates on the back channel and plain HTTP by default outside production', () => {
    const config = loadConfig({ POORTWACHTER_ENV: 'development' });
    expect(config.trust).to.deep.equal({ anchorFiles: [], crlFiles: [], crlRefreshSeconds: 3600 });
    expect(config.backChannel).to.deep.equal({
      clientCertificates: 'none',
      proxyHeader: 'x-ssl-client-cert',
      trustedProxies: [],
    });
    expect(config.tls).to.deep.equal({ reloadSeconds: 300 });
  });

  it('reads both deployments from the environment', () => {
    const listener = loadConfig({
      TRUST_ANCHOR_FILES: '/etc/pki/roots.pem, /etc/pki/intermediates.pem',
      TRUST_CRL_FILES: '/etc/pki/ca.crl',
      TRUST_CRL_REFRESH_SECONDS: '600',
      BACK_CHANNEL_CLIENT_CERTS: 'listener',
      BACK_CHANNEL_PORT: '8443',
      BACK_CHANNEL_URL: 'https://backchannel.example.nl:8443/',
      BACK_CHANNEL_TLS_CERT_FILE: '/etc/pki/backchannel.crt',
      BACK_CHANNEL_TLS_KEY_FILE: '/etc/pki/backchannel.key',
    });
    expect(listener.trust).to.deep.equal({
      anchorFiles: ['/etc/pki/roots.pem', '/etc/pki/intermediates.pem'],
      crlFiles: ['/etc/pki/ca.crl'],
      crlRefreshSeconds: 600,
    });
    expect(listener.backChannel).to.deep.include({
      clientCertificates: 'listener',
      port: 8443,
      url: 'https://backchannel.example.nl:8443',
    });
    const proxy = loadConfig({
      BACK_CHANNEL_CLIENT_CERTS: 'proxy',
      BACK_CHANNEL_CLIENT_CERT_HEADER: 'X-Client-Cert',
      BACK_CHANNEL_TRUSTED_PROXIES: '10.0.0.5, ::1',
    });
    expect(proxy.backChannel).to.deep.include({ proxyHeader: 'x-client-cert', trustedProxies: ['10.0.0.5', '::1'] });
  });

  it('refuses an incomplete listener deployment, naming what is missing', () => {
    expect(configError({ BACK_CHANNEL_CLIENT_CERTS: 'listener' })).to.equal(
      'Invalid configuration:\n' +
        '  backChannel.port (BACK_CHANNEL_PORT) must be set for BACK_CHANNEL_CLIENT_CERTS=listener\n' +
        '  backChannel.tlsCertificateFile and tlsKeyFile (BACK_CHANNEL_TLS_CERT_FILE, BACK_CHANNEL_TLS_KEY_FILE) must be set for BACK_CHANNEL_CLIENT_CERTS=listener\n' +
        '  trust.anchorFiles (TRUST_ANCHOR_FILES) must be set for BACK_CHANNEL_CLIENT_CERTS=listener: they are the CAs client certificates are asked for',
    );
  });

  it('refuses a proxy deployment without proxy addresses, and addresses that are not IP addresses', () => {
    expect(configError({ BACK_CHANNEL_CLIENT_CERTS: 'proxy' })).to.equal(
      'Invalid configuration:\n  backChannel.trustedProxies (BACK_CHANNEL_TRUSTED_PROXIES) must name the proxy addresses for BACK_CHANNEL_CLIENT_CERTS=proxy',
    );
    expect(
      configError({ BACK_CHANNEL_CLIENT_CERTS: 'proxy', BACK_CHANNEL_TRUSTED_PROXIES: 'proxy.example.nl' }),
    ).to.equal(
      'Invalid configuration:\n  backChannel.trustedProxies.0 (environment variable BACK_CHANNEL_TRUSTED_PROXIES): must be IP addresses',
    );
  });

  it('refuses an unknown deployment, a header name that is none, and a key without its certificate', () => {
    expect(configError({ BACK_CHANNEL_CLIENT_CERTS: 'mtls' })).to.equal(
      'Invalid configuration:\n  backChannel.clientCertificates (environment variable BACK_CHANNEL_CLIENT_CERTS): must be none, listener or proxy',
    );
    expect(configError({ BACK_CHANNEL_CLIENT_CERT_HEADER: 'X Client: Cert' })).to.equal(
      'Invalid configuration:\n  backChannel.proxyHeader (environment variable BACK_CHANNEL_CLIENT_CERT_HEADER): must be an HTTP header name',
    );
    expect(configError({ TLS_KEY_FILE: '/etc/pki/server.key' })).to.equal(
      'Invalid configuration:\n  tls.certificateFile and tls.keyFile (TLS_CERT_FILE, TLS_KEY_FILE) go together',
    );
    expect(configError({ SOAP_CLIENT_CERT_FILE: '/etc/pki/client.crt' })).to.equal(
      'Invalid configuration:\n  backChannel.clientCertificateFile and clientKeyFile (SOAP_CLIENT_CERT_FILE, SOAP_CLIENT_KEY_FILE) go together',
    );
  });
});
