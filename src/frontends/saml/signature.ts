// XML signatures in and out. Incoming: exactly one Signature in the whole
// document, a direct child of the element we process, one Reference to that element's ID, which no
// other element carries; exclusive c14n without comments; RSA-SHA256 or better; verified with the
// webdienst's metadata certificates only (KeyInfo is ignored). The caller then reads fields from the
// signed bytes only (samlify would otherwise read unsigned parts). Outgoing: enveloped signatures with our key.
import type { KeyObject } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { children, elements, ns, parseXml, SamlRefused } from './xml.ts';

export const algorithms = {
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
} as const;

const allowedSignatureAlgorithms = new Set<string>([algorithms.rsaSha256, algorithms.rsaSha512]);
const allowedDigests = new Set<string>([algorithms.sha256, algorithms.sha512]);
const allowedTransforms = new Set<string>([algorithms.enveloped, algorithms.excC14n]);

function algorithmOf(parent: Element, localName: string): string | undefined {
  const found = children(parent, ns.ds, localName);
  return found.length === 1 ? (found[0]!.getAttribute('Algorithm') ?? undefined) : undefined;
}

function allElements(root: Element): Element[] {
  const out: Element[] = [root];
  for (let i = 0; i < out.length; i += 1) out.push(...elements(out[i]!));
  return out;
}

/**
 * Verifies the enveloped signature of `signed` (an element of `doc`, parsed from `xml`) and returns the
 * signed element re-parsed from the signed, canonical bytes (signature removed): read fields from it only.
 */
export function verifyEnvelopedSignature(
  xml: string,
  doc: Document,
  signed: Element,
  certificates: string[],
): { element: Element; canonical: string } {
  const signatures = doc.getElementsByTagNameNS(ns.ds, 'Signature');
  if (signatures.length === 0) throw new SamlRefused('unsigned');
  if (signatures.length > 1) throw new SamlRefused('several_signatures');
  const signature = signatures[0]!;
  if (signature.parentNode !== signed) throw new SamlRefused('signature_not_on_processed_element');
  const id = signed.getAttribute('ID');
  if (!id) throw new SamlRefused('signed_element_without_id');
  const withId = allElements(doc.documentElement).filter((element) =>
    ['ID', 'Id', 'id'].some((name) => element.getAttribute(name) === id),
  );
  if (withId.length !== 1) throw new SamlRefused('duplicate_id');

  const signedInfo = children(signature, ns.ds, 'SignedInfo');
  if (signedInfo.length !== 1) throw new SamlRefused('bad_signed_info');
  if (algorithmOf(signedInfo[0]!, 'CanonicalizationMethod') !== algorithms.excC14n)
    throw new SamlRefused('canonicalisation_not_allowed');
  if (!allowedSignatureAlgorithms.has(algorithmOf(signedInfo[0]!, 'SignatureMethod') ?? ''))
    throw new SamlRefused('signature_algorithm_not_allowed');
  const references = children(signedInfo[0]!, ns.ds, 'Reference');
  if (references.length !== 1) throw new SamlRefused('not_one_reference');
  const reference = references[0]!;
  if (reference.getAttribute('URI') !== `#${id}`) throw new SamlRefused('reference_not_to_processed_element');
  if (!allowedDigests.has(algorithmOf(reference, 'DigestMethod') ?? '')) throw new SamlRefused('digest_not_allowed');
  const transforms = children(reference, ns.ds, 'Transforms').flatMap((list) => children(list, ns.ds, 'Transform'));
  if (transforms.some((transform) => !allowedTransforms.has(transform.getAttribute('Algorithm') ?? '')))
    throw new SamlRefused('transform_not_allowed');
  if (children(signature, ns.ds, 'Object').length) throw new SamlRefused('signature_object');
  // A comment inside DigestValue/SignatureValue would change what is compared (CVE-2017-11428 family).
  for (const element of allElements(signature)) {
    for (let node = element.firstChild; node; node = node.nextSibling)
      if (node.nodeType === 8) throw new SamlRefused('comment_in_signature');
  }

  for (const certificate of certificates) {
    const verifier = new SignedXml({ publicCert: pemCertificate(certificate), getCertFromKeyInfo: () => null });
    verifier.loadSignature(signature);
    let valid = false;
    try {
      valid = verifier.checkSignature(xml);
    } catch {
      valid = false;
    }
    if (!valid) continue;
    const signedReferences = verifier.getSignedReferences();
    if (signedReferences.length !== 1) throw new SamlRefused('not_one_reference');
    const canonical = signedReferences[0]!;
    const element = parseXml(canonical).documentElement;
    if (
      element.namespaceURI !== signed.namespaceURI ||
      element.localName !== signed.localName ||
      element.getAttribute('ID') !== id
    )
      throw new SamlRefused('signed_bytes_mismatch');
    return { element, canonical };
  }
  throw new SamlRefused('bad_signature');
}

export function pemCertificate(certificate: string): string {
  if (certificate.includes('BEGIN CERTIFICATE')) return certificate;
  const body = certificate.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

export function certificateBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

export interface SigningKey {
  privateKey: KeyObject;
  certificatePem: string;
}

// xml-crypto builds the KeyInfo (our certificate) on every signature and reads the certificate twice
// to do so; it is the same for every signature with a key: built once per key and prefix.
const keyInfoContents = new WeakMap<SigningKey, Map<string | undefined, string | null>>();

function keyInfoContentOf(key: SigningKey, prefix: string | undefined): string | null {
  let byPrefix = keyInfoContents.get(key);
  if (!byPrefix) keyInfoContents.set(key, (byPrefix = new Map<string | undefined, string | null>()));
  if (!byPrefix.has(prefix))
    byPrefix.set(prefix, SignedXml.getKeyInfoContent({ publicCert: key.certificatePem, prefix }));
  return byPrefix.get(prefix)!;
}

/**
 * Signs the element at `elementXpath` of `xml` (enveloped, exc-c14n, RSA-SHA256), placing the signature
 * after the element's Issuer (SAML core 5.4.1: the Signature follows the Issuer), or first (metadata).
 */
export function signElement(
  xml: string,
  key: SigningKey,
  elementXpath: string,
  placement: 'afterIssuer' | 'first' = 'afterIssuer',
): string {
  const signer = new SignedXml({
    privateKey: key.privateKey as unknown as string,
    publicCert: key.certificatePem,
    signatureAlgorithm: algorithms.rsaSha256,
    canonicalizationAlgorithm: algorithms.excC14n,
    getKeyInfoContent: (args) => keyInfoContentOf(key, args?.prefix ?? undefined),
  });
  signer.addReference({
    xpath: elementXpath,
    digestAlgorithm: algorithms.sha256,
    transforms: [algorithms.enveloped, algorithms.excC14n],
  });
  const location =
    placement === 'first'
      ? { reference: elementXpath, action: 'prepend' as const }
      : {
          reference: `${elementXpath}/*[local-name(.)='Issuer' and namespace-uri(.)='${ns.saml}']`,
          action: 'after' as const,
        };
  signer.computeSignature(xml, { prefix: 'ds', location });
  return signer.getSignedXml();
}
