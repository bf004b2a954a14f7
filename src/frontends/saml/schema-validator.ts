// Schema validation of SAML messages (SAML 2.0 protocol and assertion schemas, with XML Signature and
// XML Encryption). The schema texts are the ones samlify's validator package ships; libxml2, compiled
// to WebAssembly (libxml2-wasm), compiles them once per process and then checks a message in a
// fraction of a millisecond, so it runs in line. Only XML that parseXml (xml.ts) accepted arrives
// here: no DOCTYPE, so no entity or external resource is ever loaded.
import { createRequire } from 'node:module';
import { XmlBufferInputProvider, XmlDocument, XsdValidator, xmlRegisterInputProvider } from 'libxml2-wasm';

const schemaFiles = [
  'saml-schema-protocol-2.0.xsd',
  'saml-schema-assertion-2.0.xsd',
  'xmldsig-core-schema.xsd',
  'xenc-schema.xsd',
  'XMLSchema.dtd',
  'datatypes.dtd',
];

let validator: XsdValidator | undefined;

function samlValidator(): XsdValidator {
  if (validator) return validator;
  const require = createRequire(import.meta.url);
  const files: Record<string, Uint8Array> = {};
  for (const name of schemaFiles) {
    const text = (require(`@authenio/samlify-node-xmllint/build/schemas/${name}.js`) as { default: string }).default;
    files[`saml-schemas/${name}`] = new TextEncoder().encode(text);
  }
  // The schemas import each other by relative file name; they resolve inside this set and nowhere else.
  xmlRegisterInputProvider(new XmlBufferInputProvider(files));
  // Kept for the life of the process, like the validator compiled from it.
  const protocol = XmlDocument.fromBuffer(files['saml-schemas/saml-schema-protocol-2.0.xsd']!, {
    url: 'saml-schemas/saml-schema-protocol-2.0.xsd',
  });
  validator = XsdValidator.fromDoc(protocol);
  return validator;
}

/** Whether the XML is valid against the SAML 2.0 schemas; false when it cannot even be read. */
export function schemaValid(xml: string): boolean {
  const schema = samlValidator();
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromString(xml);
  } catch {
    return false;
  }
  try {
    schema.validate(doc);
    return true;
  } catch {
    return false;
  } finally {
    doc.dispose();
  }
}
