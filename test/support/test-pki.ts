// A test PKI made with the openssl command line, once per test run: a root CA, an intermediate CA
// under it, and leaf certificates in the style of PKIoverheid organisation certificates (the OIN in
// the subject's serialNumber): a good one, one expired, one revoked in the intermediate's CRL, one
// with another OIN, one without an OIN, a self-signed one, an RSA 1024 one and a SHA-1 signed one;
// plus a TLS server certificate for 127.0.0.1, a second good leaf (rollover), and a leaf of the other
// organisation that stays valid for years (certificate expiry warnings).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  keyFile: string;
  certificateFile: string;
  keyPem: string;
  certificatePem: string;
  /** The base64 DER body, as in SAML metadata and x5c. */
  body: string;
}

export interface TestPki {
  dir: string;
  oin: string;
  otherOin: string;
  root: TestCertificate;
  intermediate: TestCertificate;
  /** Root and intermediate in one PEM bundle (TRUST_ANCHOR_FILES). */
  anchorsFile: string;
  /** The intermediate's CRL, listing `revoked` (TRUST_CRL_FILES). */
  crlFile: string;
  /** The same CA's CRL from before `revoked` was revoked. */
  crlBeforeRevocationFile: string;
  good: TestCertificate;
  rolledOver: TestCertificate;
  expired: TestCertificate;
  revoked: TestCertificate;
  otherOinLeaf: TestCertificate;
  noOin: TestCertificate;
  selfSigned: TestCertificate;
  weakKey: TestCertificate;
  sha1: TestCertificate;
  /** Another webdienst, of another organisation (otherOin): its own good certificate. */
  otherWebdienst: TestCertificate;
  /** Of the other organisation (otherOin), valid until 2033: far from any expiry warning. */
  longLived: TestCertificate;
  /** Poortwachter's own client certificate for outgoing SOAP calls. */
  poortwachterClient: TestCertificate;
  /** A server certificate for 127.0.0.1 and localhost. */
  server: TestCertificate;
}

const openssl = (dir: string, args: string[]) =>
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

function certificate(dir: string, name: string): TestCertificate {
  const certificatePem = readFileSync(join(dir, `${name}.pem`), 'utf8');
  return {
    keyFile: join(dir, `${name}.key`),
    certificateFile: join(dir, `${name}.pem`),
    keyPem: readFileSync(join(dir, `${name}.key`), 'utf8'),
    certificatePem,
    body: certificatePem.replace(/-----[A-Z ]+-----|\s/g, ''),
  };
}

const caConfig = (dir: string) => `[ ca ]
default_ca = intermediate
[ intermediate ]
database = ${dir}/index.txt
new_certs_dir = ${dir}/issued
serial = ${dir}/serial
crlnumber = ${dir}/crlnumber
certificate = ${dir}/intermediate.pem
private_key = ${dir}/intermediate.key
default_md = sha256
default_days = 365
default_crl_days = 30
policy = any_name
unique_subject = no
copy_extensions = copy
preserve = yes
x509_extensions = leaf
[ any_name ]
countryName = optional
organizationName = optional
serialNumber = optional
commonName = supplied
[ leaf ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth,serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ca_extensions ]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

function issueLeaf(
  dir: string,
  name: string,
  subject: string,
  options: { key?: string; md?: string; start?: string; end?: string; san?: string; keyOf?: string } = {},
): void {
  // Refused certificates share one key: RSA key generation is most of the time this takes.
  if (options.keyOf) copyFileSync(join(dir, `${options.keyOf}.key`), join(dir, `${name}.key`));
  openssl(dir, [
    'req',
    '-new',
    ...(options.keyOf
      ? ['-key', `${name}.key`]
      : ['-newkey', options.key ?? 'rsa:2048', '-nodes', '-keyout', `${name}.key`]),
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
    ...(options.san ? ['-addext', `subjectAltName=${options.san}`] : []),
  ]);
  openssl(dir, [
    'ca',
    '-config',
    'ca.cnf',
    '-batch',
    '-notext',
    '-in',
    `${name}.csr`,
    '-out',
    `${name}.pem`,
    '-md',
    options.md ?? 'sha256',
    ...(options.start ? ['-startdate', options.start] : []),
    ...(options.end ? ['-enddate', options.end] : []),
  ]);
}

let made: TestPki | undefined;

/** The test PKI of this run (made on first use, about a second). */
export function testPki(): TestPki {
  if (made) return made;
  const dir = mkdtempSync(join(tmpdir(), 'poortwachter-pki-'));
  mkdirSync(join(dir, 'issued'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'crlnumber'), '1000\n');
  writeFileSync(join(dir, 'ca.cnf'), caConfig(dir));
  const oin = '00000001234567890000';
  const otherOin = '00000009876543210000';
  const organisation = (o: string, serial?: string, cn = 'dienst.example.nl') =>
    `/C=NL/O=${o}${serial ? `/serialNumber=${serial}` : ''}/CN=${cn}`;

  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'root.key',
    '-out',
    'root.pem',
    '-days',
    '3650',
    '-subj',
    '/C=NL/O=Test Staat der Nederlanden/CN=Test Staat der Nederlanden Root CA',
    '-addext',
    'basicConstraints=critical,CA:true',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  openssl(dir, [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'intermediate.key',
    '-out',
    'intermediate.csr',
    '-subj',
    '/C=NL/O=Test PKIoverheid/CN=Test PKIoverheid Organisatie Services CA',
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    'intermediate.csr',
    '-CA',
    'root.pem',
    '-CAkey',
    'root.key',
    '-set_serial',
    '2',
    '-days',
    '3000',
    '-sha256',
    '-extfile',
    'ca.cnf',
    '-extensions',
    'ca_extensions',
    '-out',
    'intermediate.pem',
  ]);
  issueLeaf(dir, 'good', organisation('Gemeente Voorbeeld', oin));
  issueLeaf(dir, 'rolled-over', organisation('Gemeente Voorbeeld', oin));
  issueLeaf(dir, 'expired', organisation('Gemeente Voorbeeld', oin), {
    start: '20200101000000Z',
    end: '20210101000000Z',
    keyOf: 'rolled-over',
  });
  issueLeaf(dir, 'revoked', organisation('Gemeente Voorbeeld', oin));
  issueLeaf(dir, 'other-oin', organisation('Gemeente Elders', otherOin), { keyOf: 'rolled-over' });
  issueLeaf(dir, 'other-webdienst', organisation('Gemeente Elders', otherOin, 'elders.example.nl'));
  issueLeaf(dir, 'long-lived', organisation('Gemeente Elders', otherOin, 'lang.elders.example.nl'), {
    end: '20330101000000Z',
    keyOf: 'other-webdienst',
  });
  issueLeaf(dir, 'no-oin', organisation('Gemeente Voorbeeld'), { keyOf: 'rolled-over' });
  issueLeaf(dir, 'weak-key', organisation('Gemeente Voorbeeld', oin), { key: 'rsa:1024' });
  issueLeaf(dir, 'sha1', organisation('Gemeente Voorbeeld', oin), { md: 'sha1', keyOf: 'rolled-over' });
  issueLeaf(dir, 'poortwachter-client', '/C=NL/O=Poortwachter/CN=poortwachter.example.nl');
  issueLeaf(dir, 'server', '/C=NL/O=Poortwachter/CN=127.0.0.1', { san: 'IP:127.0.0.1,DNS:localhost' });
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'self-signed.key',
    '-out',
    'self-signed.pem',
    '-days',
    '365',
    '-subj',
    organisation('Gemeente Voorbeeld', oin),
  ]);
  openssl(dir, ['ca', '-config', 'ca.cnf', '-gencrl', '-out', 'intermediate-before.crl']);
  openssl(dir, ['ca', '-config', 'ca.cnf', '-revoke', 'revoked.pem', '-crl_reason', 'keyCompromise']);
  openssl(dir, ['ca', '-config', 'ca.cnf', '-gencrl', '-out', 'intermediate.crl']);
  writeFileSync(
    join(dir, 'anchors.pem'),
    readFileSync(join(dir, 'root.pem'), 'utf8') + readFileSync(join(dir, 'intermediate.pem'), 'utf8'),
  );
  made = {
    dir,
    oin,
    otherOin,
    root: certificate(dir, 'root'),
    intermediate: certificate(dir, 'intermediate'),
    anchorsFile: join(dir, 'anchors.pem'),
    crlFile: join(dir, 'intermediate.crl'),
    crlBeforeRevocationFile: join(dir, 'intermediate-before.crl'),
    good: certificate(dir, 'good'),
    rolledOver: certificate(dir, 'rolled-over'),
    expired: certificate(dir, 'expired'),
    revoked: certificate(dir, 'revoked'),
    otherOinLeaf: certificate(dir, 'other-oin'),
    noOin: certificate(dir, 'no-oin'),
    selfSigned: certificate(dir, 'self-signed'),
    weakKey: certificate(dir, 'weak-key'),
    sha1: certificate(dir, 'sha1'),
    otherWebdienst: certificate(dir, 'other-webdienst'),
    longLived: certificate(dir, 'long-lived'),
    poortwachterClient: certificate(dir, 'poortwachter-client'),
    server: certificate(dir, 'server'),
  };
  return made;
}
