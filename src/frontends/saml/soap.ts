// SOAP 1.1 as SAML Bindings 3.2 uses it: one SAML message as the only child of the Body, faults for
// messages we cannot read, and the request body read with the same size limit as any SAML XML.
import type { Context } from 'koa';
import { readBoundedBody } from '../../http/request-body.ts';
import { elements, escapeXml, isElement, maxXmlBytes, ns, SamlRefused } from './xml.ts';

export const soapEnvelope = (body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${ns.soap}"><soap:Body>${body}</soap:Body></soap:Envelope>`;

export function soapFault(reason: string): string {
  return soapEnvelope(
    `<soap:Fault><faultcode>soap:Client</faultcode><faultstring>${escapeXml(reason)}</faultstring></soap:Fault>`,
  );
}

/** The SAML message in a SOAP envelope: the only element of the only Body, with this name. */
export function soapBodyMessage(doc: Document, name: string): Element {
  const envelope = doc.documentElement;
  if (!isElement(envelope, ns.soap, 'Envelope')) throw new SamlRefused('not_a_soap_envelope');
  const soapBodies = elements(envelope).filter((element) => isElement(element, ns.soap, 'Body'));
  if (soapBodies.length !== 1) throw new SamlRefused('not_one_soap_body');
  const messages = elements(soapBodies[0]!);
  if (messages.length !== 1 || !isElement(messages[0], ns.samlp, name))
    throw new SamlRefused(`not_a_${name.toLowerCase()}`);
  return messages[0];
}

export function isSoapRequest(ctx: Pick<Context, 'get'>): boolean {
  const type = ctx.get('content-type').split(';')[0]!.trim().toLowerCase();
  return type === 'text/xml' || type === 'application/soap+xml';
}

/** The posted SOAP XML, refused past the SAML XML size limit while it arrives. */
export async function readSoapBody(ctx: Context): Promise<string> {
  if (!isSoapRequest(ctx)) throw new SamlRefused('not_soap_xml', 415);
  const body = await readBoundedBody(ctx, maxXmlBytes);
  if (!body) throw new SamlRefused('xml_too_large', 413);
  return body.toString('utf8');
}
