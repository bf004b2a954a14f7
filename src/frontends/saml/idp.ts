// The IdP entity: entityID `${publicUrl}/saml/metadata`, the signing keys of
// src/core/keys.ts (the first signs, all are published for rollover) with their certificates, and the
// signed metadata. Certificates: generated once per key outside production and stored with the
// instance secrets (every process publishes the same ones); production reads keys.signingCertificateFiles
// in the order of keys.signingKeyFiles.
import { createHash, createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import type { Config } from '../../../config/index.ts';
import type { Clock } from '../../core/clock.ts';
import type { InstanceKeys } from '../../core/keys.ts';
import type { Store } from '../../stores/index.ts';
import { selfSignedCertificate } from './certificate.ts';
import { certificateBody, signElement, type SigningKey } from './signature.ts';
import { escapeXml, ns, samlInstant } from './xml.ts';

export const bindings = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
  artifact: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact',
  soap: 'urn:oasis:names:tc:SAML:2.0:bindings:SOAP',
} as const;

export const samlPaths = {
  metadata: '/saml/metadata',
  sso: '/saml/sso',
  artifact: '/saml/artifact',
  slo: '/saml/slo',
  resume: (ref: string) => `/saml/resume/${ref}`,
} as const;

/** The index of our ArtifactResolutionService in the metadata; it is part of every artifact. */
export const artifactResolutionIndex = 0;

export interface SamlIdp {
  entityId: string;
  ssoUrl: string;
  artifactUrl: string;
  /** Where the SOAP SingleLogoutService is (the back channel). */
  soapSloUrl: string;
  /** The active signing key and its certificate. */
  signing: SigningKey;
  /** Every published certificate (PEM), the active one first. */
  certificates: string[];
  /** SHA-1 of the entityID: the SourceID of our artifacts (SAML Bindings 3.6.4). */
  sourceId: Buffer;
  /** The signed metadata, valid for a week, made again every hour. */
  metadataXml(): string;
}

async function certificateFor(
  jwk: JWK,
  privateKey: KeyObject,
  config: Config,
  index: number,
  store: Pick<Store, 'insertInstanceSecretIfAbsent'>,
  clock: Clock,
): Promise<string> {
  if (config.keys.signingKeyFiles.length) {
    const path = config.keys.signingCertificateFiles[index];
    if (!path)
      throw new Error(
        `keys.signingCertificateFiles needs a certificate for signing key file ${index + 1} (SAML metadata)`,
      );
    const pem = readFileSync(path, 'utf8');
    const certificate = new X509Certificate(pem);
    const matches =
      certificate.publicKey.export({ format: 'jwk' }).n === createPublicKey(privateKey).export({ format: 'jwk' }).n;
    if (!matches) throw new Error(`certificate file ${path} does not belong to signing key file ${index + 1}`);
    return certificate.toString();
  }
  return store.insertInstanceSecretIfAbsent(
    `saml-certificate:${jwk.kid}`,
    selfSignedCertificate(privateKey, 'Poortwachter SAML IdP', clock.now()),
    clock.now(),
  );
}

export async function createSamlIdp(
  config: Config,
  keys: InstanceKeys,
  store: Pick<Store, 'insertInstanceSecretIfAbsent'>,
  clock: Clock,
): Promise<SamlIdp> {
  const signingKeys = await Promise.all(
    keys.signingKeys.map(async (jwk, index) => {
      const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
      return { privateKey, certificatePem: await certificateFor(jwk, privateKey, config, index, store, clock) };
    }),
  );
  const entityId = `${config.publicUrl}${samlPaths.metadata}`;
  const idp = {
    entityId,
    ssoUrl: `${config.publicUrl}${samlPaths.sso}`,
    // The SOAP endpoints may live on the back-channel listener (mutual TLS), at another address.
    artifactUrl: `${config.backChannel.url ?? config.publicUrl}${samlPaths.artifact}`,
    soapSloUrl: `${config.backChannel.url ?? config.publicUrl}${samlPaths.slo}`,
    signing: signingKeys[0]!,
    certificates: signingKeys.map((key) => key.certificatePem),
    sourceId: createHash('sha1').update(entityId).digest(),
  };
  let cached: { xml: string; until: number } | undefined;
  return {
    ...idp,
    metadataXml() {
      const now = clock.now();
      if (!cached || cached.until <= now)
        cached = { xml: metadata(idp, config.publicUrl, now), until: now + 3600 * 1000 };
      return cached.xml;
    },
  };
}

function metadata(idp: Omit<SamlIdp, 'metadataXml'>, publicUrl: string, now: number): string {
  const keyDescriptors = idp.certificates
    .map(
      (pem) =>
        `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBody(pem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
    )
    .join('');
  const slo = `${publicUrl}${samlPaths.slo}`;
  const xml =
    `<md:EntityDescriptor xmlns:md="${ns.md}" xmlns:ds="${ns.ds}" ID="_metadata-${now}" entityID="${escapeXml(idp.entityId)}" validUntil="${samlInstant(now + 7 * 24 * 3600 * 1000)}">` +
    `<md:IDPSSODescriptor protocolSupportEnumeration="${ns.samlp}" WantAuthnRequestsSigned="true">` +
    keyDescriptors +
    `<md:ArtifactResolutionService Binding="${bindings.soap}" Location="${escapeXml(idp.artifactUrl)}" index="${artifactResolutionIndex}" isDefault="true"/>` +
    `<md:SingleLogoutService Binding="${bindings.redirect}" Location="${escapeXml(slo)}"/>` +
    `<md:SingleLogoutService Binding="${bindings.post}" Location="${escapeXml(slo)}"/>` +
    `<md:SingleLogoutService Binding="${bindings.soap}" Location="${escapeXml(idp.soapSloUrl)}"/>` +
    `<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>` +
    `<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>` +
    `<md:SingleSignOnService Binding="${bindings.redirect}" Location="${escapeXml(idp.ssoUrl)}"/>` +
    `<md:SingleSignOnService Binding="${bindings.post}" Location="${escapeXml(idp.ssoUrl)}"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`;
  return signElement(xml, idp.signing, `/*[local-name(.)='EntityDescriptor']`, 'first');
}
