// A SAML webdienst's registration, read from its SP metadata: entityID, ACS
// endpoints with index and binding, signing and encryption certificates, SLO endpoints. Anything we
// cannot use is refused with a message that names it, so nothing half-usable gets stored.
import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';
import { storedRegistrationReader } from '../../core/stored-registration.ts';
import { bindings } from './idp.ts';
import { pemCertificate } from './signature.ts';
import { attribute, children, child, descendants, ns, parseXml, SamlRefused, text } from './xml.ts';

const responseBindingSchema = z.enum(['artifact', 'post']);
export type ResponseBinding = z.infer<typeof responseBindingSchema>;

const assertionConsumerServiceSchema = z.object({
  index: z.number().int().min(0).max(65535),
  binding: z.string(),
  location: z.string(),
  isDefault: z.boolean(),
});
export type AssertionConsumerService = z.infer<typeof assertionConsumerServiceSchema>;

/** What parseSpMetadata keeps of an SP's metadata, stored as the webdienst's protocol metadata. */
export const samlRegistrationSchema = z.object({
  entityId: z.string().min(1),
  assertionConsumerServices: z.array(assertionConsumerServiceSchema),
  /** Base64 DER bodies. */
  signingCertificates: z.array(z.string()),
  encryptionCertificates: z.array(z.string()),
  /** SAML metadata 2.2.2: answers go to ResponseLocation when the SP gives one. */
  singleLogoutServices: z.array(
    z.object({ binding: z.string(), location: z.string(), responseLocation: z.string().optional() }),
  ),
  authnRequestsSigned: z.boolean(),
  responseBinding: responseBindingSchema,
  /** Preproduction: the webdienst was registered with --allow-self-signed. */
  allowSelfSigned: z.boolean().optional(),
  /** Metadata read from a URL: its validUntil (epoch ms); past it, logins are refused until a refresh succeeds. */
  metadataValidUntil: z.number().optional(),
});
export type SamlRegistration = z.infer<typeof samlRegistrationSchema>;

export const samlRegistrationOf = storedRegistrationReader('SAML', samlRegistrationSchema);

/** Metadata read from a URL whose validUntil has passed: no login until a refresh succeeds. */
export const metadataExpired = (webdienst: Parameters<typeof samlRegistrationOf>[0], now: number): boolean => {
  const validUntil = samlRegistrationOf(webdienst).metadataValidUntil;
  return validUntil !== undefined && validUntil <= now;
};

const invalid = (what: string) => new ValidationError('admin.invalid_saml_metadata', `invalid SAML metadata: ${what}`);

export function parseSpMetadata(
  xml: string,
  options: { responseBinding: ResponseBinding; checkUrl: (url: string, what: string) => string },
): SamlRegistration {
  let doc: Document;
  try {
    doc = parseXml(xml);
  } catch (error) {
    throw invalid(error instanceof SamlRefused ? `not readable XML (${error.reason})` : 'not readable XML');
  }
  return spRegistrationOf(doc.documentElement, options);
}

/** The registration held by an md:EntityDescriptor element (parsed already, e.g. the signed one). */
export function spRegistrationOf(
  root: Element,
  options: { responseBinding: ResponseBinding; checkUrl: (url: string, what: string) => string },
): SamlRegistration {
  if (root.namespaceURI !== ns.md || root.localName !== 'EntityDescriptor')
    throw invalid(`the root element must be md:EntityDescriptor, not ${root.localName}`);
  const entityId = attribute(root, 'entityID')?.trim();
  if (!entityId || entityId.length > 1024) throw invalid('entityID is missing or longer than 1024 characters');
  let sp: Element | undefined;
  try {
    sp = child(root, ns.md, 'SPSSODescriptor');
  } catch {
    throw invalid('more than one SPSSODescriptor');
  }
  if (!sp) throw invalid('no SPSSODescriptor (is this IdP metadata?)');
  if (!(attribute(sp, 'protocolSupportEnumeration') ?? '').split(/\s+/).includes(ns.samlp))
    throw invalid('SPSSODescriptor does not support the SAML 2.0 protocol');

  const signingCertificates: string[] = [];
  const encryptionCertificates: string[] = [];
  for (const descriptor of children(sp, ns.md, 'KeyDescriptor')) {
    const use = attribute(descriptor, 'use');
    const certificates = descendants(descriptor, ns.ds, 'X509Certificate').map((element) =>
      (text(element) ?? '').replace(/\s+/g, ''),
    );
    for (const body of certificates) {
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(pemCertificate(body));
      } catch {
        throw invalid('a KeyDescriptor holds an X509Certificate that cannot be read');
      }
      const details = certificate.publicKey.asymmetricKeyDetails;
      if (certificate.publicKey.asymmetricKeyType !== 'rsa' || (details?.modulusLength ?? 0) < 2048)
        throw invalid('certificates must hold RSA keys of at least 2048 bits');
      if (use !== 'encryption' && !signingCertificates.includes(body)) signingCertificates.push(body);
      if (use !== 'signing' && !encryptionCertificates.includes(body)) encryptionCertificates.push(body);
    }
  }
  // AuthnRequests are always signed, so we need the key that checks them.
  if (signingCertificates.length === 0)
    throw invalid('no signing certificate (KeyDescriptor use="signing" or without use): AuthnRequests must be signed');

  const assertionConsumerServices: AssertionConsumerService[] = [];
  for (const acs of children(sp, ns.md, 'AssertionConsumerService')) {
    const binding = attribute(acs, 'Binding') ?? '';
    const index = Number(attribute(acs, 'index'));
    if (!Number.isInteger(index) || index < 0 || index > 65535)
      throw invalid(`AssertionConsumerService has no valid index: ${attribute(acs, 'index') ?? '(none)'}`);
    if (assertionConsumerServices.some((existing) => existing.index === index))
      throw invalid(`two AssertionConsumerServices with index ${index}`);
    if (binding !== bindings.post && binding !== bindings.artifact) continue; // e.g. PAOS: not offered by us
    const location = options.checkUrl(attribute(acs, 'Location') ?? '', `AssertionConsumerService ${index}`);
    assertionConsumerServices.push({ index, binding, location, isDefault: attribute(acs, 'isDefault') === 'true' });
  }
  const wanted = options.responseBinding === 'post' ? bindings.post : bindings.artifact;
  if (!assertionConsumerServices.some((acs) => acs.binding === wanted)) {
    throw invalid(
      `no AssertionConsumerService with the ${options.responseBinding === 'post' ? 'HTTP-POST' : 'HTTP-Artifact'} binding (--response-binding ${options.responseBinding})`,
    );
  }
  const singleLogoutServices = children(sp, ns.md, 'SingleLogoutService').map((slo) => {
    const responseLocation = attribute(slo, 'ResponseLocation');
    return {
      binding: attribute(slo, 'Binding') ?? '',
      location: options.checkUrl(attribute(slo, 'Location') ?? '', 'SingleLogoutService'),
      ...(responseLocation
        ? { responseLocation: options.checkUrl(responseLocation, 'SingleLogoutService ResponseLocation') }
        : {}),
    };
  });
  return {
    entityId,
    assertionConsumerServices,
    signingCertificates,
    encryptionCertificates,
    singleLogoutServices,
    authnRequestsSigned: attribute(sp, 'AuthnRequestsSigned') === 'true',
    responseBinding: options.responseBinding,
  };
}
