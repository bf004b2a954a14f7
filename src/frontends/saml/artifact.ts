// HTTP-Artifact binding (SAML Bindings 3.6) and SOAP ArtifactResolve (SECURITY-
// TESTS.md 31). The artifact: type 0x0004, the EndpointIndex of our ArtifactResolutionService, SHA-1
// of our entityID, 20 random bytes. Only its SHA-256 is stored, with the Response and the webdienst it
// was issued to; it resolves once, before it expires, for that webdienst only, by a signed ArtifactResolve.
import { createHash, randomBytes } from 'node:crypto';
import type { Store, WebdienstWithOrganisation } from '../../stores/index.ts';
import { artifactResolutionIndex, type SamlIdp } from './idp.ts';
import { samlId, statusCodes } from './response.ts';
import { signElement, verifyEnvelopedSignature } from './signature.ts';
import { trustedRegistration } from './trusted-certificates.ts';
import { assertClientCertificateOf, type BackChannelAuthentication } from './client-certificate-check.ts';
import type { X509Certificate } from 'node:crypto';
import type { CertificateTrust } from '../../core/trust/certificate-trust.ts';
import { soapBodyMessage, soapEnvelope } from './soap.ts';
import { assertSchemaValid, child, escapeXml, ns, parseXml, SamlRefused, samlInstant, text } from './xml.ts';

export const artifactKey = (artifact: string): string => createHash('sha256').update(artifact).digest('hex');

export function newArtifact(idp: SamlIdp): string {
  const bytes = Buffer.alloc(44);
  bytes.writeUInt16BE(0x0004, 0);
  bytes.writeUInt16BE(artifactResolutionIndex, 2);
  idp.sourceId.copy(bytes, 4);
  randomBytes(20).copy(bytes, 24);
  return bytes.toString('base64');
}

export async function issueArtifact(
  deps: { idp: SamlIdp; store: Pick<Store, 'insertSamlArtifact'>; now: number; ttlMs: number },
  webdienstId: string,
  responseXml: string,
): Promise<string> {
  const artifact = newArtifact(deps.idp);
  await deps.store.insertSamlArtifact({
    id: artifactKey(artifact),
    webdienstId,
    responseXml,
    createdAt: deps.now,
    expiresAt: deps.now + deps.ttlMs,
  });
  return artifact;
}

export interface ArtifactResolveDeps {
  idp: SamlIdp;
  store: Pick<Store, 'findWebdienstByClientId' | 'takeSamlArtifact'>;
  trust: CertificateTrust;
  now: number;
  backChannel: BackChannelAuthentication;
  /** The TLS client certificate of the request (src/http/client-certificate.ts). */
  clientCertificate: X509Certificate | undefined;
}

/** Answers a SOAP ArtifactResolve: the signed ArtifactResponse, with the Response once, or RequestDenied. */
export async function resolveArtifact(
  body: string,
  deps: ArtifactResolveDeps,
): Promise<{ xml: string; webdienst: WebdienstWithOrganisation; resolved: boolean }> {
  const doc = parseXml(body);
  const message = soapBodyMessage(doc, 'ArtifactResolve');
  const issuer = text(child(message, ns.saml, 'Issuer'));
  if (!issuer) throw new SamlRefused('no_issuer');
  const webdienst = await deps.store.findWebdienstByClientId(issuer);
  if (!webdienst || webdienst.protocol !== 'saml') throw new SamlRefused('unknown_issuer', 403);
  const registration = trustedRegistration(deps.trust, webdienst);
  const { element, canonical } = verifyEnvelopedSignature(body, doc, message, registration.signingCertificates);
  assertSchemaValid(canonical);
  if (text(child(element, ns.saml, 'Issuer')) !== issuer) throw new SamlRefused('issuer_changed');
  if (element.getAttribute('Version') !== '2.0') throw new SamlRefused('version');
  // Destination is optional (some service providers omit it), but never another.
  const destination = element.getAttribute('Destination');
  if (destination && destination !== deps.idp.artifactUrl) throw new SamlRefused('wrong_destination');
  const artifact = text(child(element, ns.samlp, 'Artifact'));
  if (!artifact || artifact.length > 200) throw new SamlRefused('no_artifact');
  // Before the artifact is taken: a refused request neither gets nor spends it.
  assertClientCertificateOf(deps.backChannel, deps.clientCertificate, webdienst);
  const responseXml = await deps.store.takeSamlArtifact(artifactKey(artifact), webdienst.id, deps.now);

  const status = responseXml
    ? `<samlp:Status><samlp:StatusCode Value="${statusCodes.success}"/></samlp:Status>`
    : `<samlp:Status><samlp:StatusCode Value="${statusCodes.requester}"><samlp:StatusCode Value="${statusCodes.requestDenied}"/></samlp:StatusCode><samlp:StatusMessage>Artifact unknown, already resolved or expired</samlp:StatusMessage></samlp:Status>`;
  const artifactResponse =
    `<samlp:ArtifactResponse xmlns:samlp="${ns.samlp}" xmlns:saml="${ns.saml}" ID="${samlId()}" Version="2.0" IssueInstant="${samlInstant(deps.now)}" InResponseTo="${escapeXml(element.getAttribute('ID') ?? '')}">` +
    `<saml:Issuer>${escapeXml(deps.idp.entityId)}</saml:Issuer>${status}${responseXml ?? ''}</samlp:ArtifactResponse>`;
  return {
    xml: soapEnvelope(signElement(artifactResponse, deps.idp.signing, `/*[local-name(.)='ArtifactResponse']`)),
    webdienst,
    resolved: !!responseXml,
  };
}
