#!/usr/bin/python3
"""pysaml2 (Debian python3-pysaml2) as a SAML SP that resolves artifacts over mutual TLS: its key and
certificate (one of the test PKI, with the organisation's OIN) sign its messages and are its TLS client
certificate, as pysaml2 does with verify_ssl_cert and ca_certs (saml2/httpbase.py sends cert_file and
key_file as the client certificate). The SP logic is pysaml2's; this only runs it step by step.
  pysaml2_mutual_tls_sp.py metadata          -> writes the SP metadata to $WORK/sp-metadata.xml
  pysaml2_mutual_tls_sp.py authn             -> prints the signed HTTP-Redirect URL of an AuthnRequest
                                                that asks for the Response by artifact
  pysaml2_mutual_tls_sp.py resolve ARTIFACT  -> resolves it at the IdP's ArtifactResolutionService with a
                                                signed SOAP ArtifactResolve over TLS with the client
                                                certificate (without one when NO_CLIENT_CERT=1), checks the
                                                ArtifactResponse and the Response; prints RESOLVED name_id=...
                                                or REFUSED and the SOAP fault's text (exit 1)
Env: WORK, SP_ENTITY_ID, SP_KEY, SP_CERT, CA_BUNDLE (the CAs of the IdP's back-channel certificate).
"""
import base64, json, os, re, sys
from saml2 import BINDING_HTTP_ARTIFACT, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.response import ArtifactResponse
from saml2.xmldsig import SIG_RSA_SHA256, DIGEST_SHA256

WORK = os.environ["WORK"]
ENTITY = os.environ["SP_ENTITY_ID"]


def config(with_idp=True):
    c = {
        "entityid": ENTITY,
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "key_file": os.environ["SP_KEY"], "cert_file": os.environ["SP_CERT"],
        "verify_ssl_cert": True, "ca_certs": os.environ["CA_BUNDLE"],
        "accepted_time_diff": 60,
        "service": {"sp": {
            "endpoints": {"assertion_consumer_service": [(f"{ENTITY}/acs", BINDING_HTTP_ARTIFACT)]},
            "authn_requests_signed": True, "want_response_signed": False, "want_assertions_signed": True,
            "signing_algorithm": SIG_RSA_SHA256, "digest_algorithm": DIGEST_SHA256,
        }},
    }
    if with_idp:
        c["metadata"] = {"local": [f"{WORK}/idp-metadata.xml"]}
    cfg = SPConfig()
    cfg.load(c)
    return cfg


def main(command, *args):
    if command == "metadata":
        md = create_metadata_string(None, config=config(with_idp=False), valid=24)
        with open(f"{WORK}/sp-metadata.xml", "wb") as out:
            out.write(md if isinstance(md, bytes) else md.encode())
        print(f"{WORK}/sp-metadata.xml")
        return 0
    client = Saml2Client(config=config())
    if command == "authn":
        idp = next(iter(client.config.metadata.identity_providers()))
        reqid, info = client.prepare_for_authenticate(entityid=idp, binding=BINDING_HTTP_REDIRECT,
                                                      response_binding=BINDING_HTTP_ARTIFACT,
                                                      sigalg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
        with open(f"{WORK}/outstanding.json", "w") as out:
            json.dump({reqid: "/"}, out)
        print(dict(info["headers"])["Location"])
        return 0
    if command == "resolve":
        if os.environ.get("NO_CLIENT_CERT") == "1":
            client.request_args.pop("cert", None)
        with open(f"{WORK}/outstanding.json") as source:
            outstanding = json.load(source)
        try:
            soap = client.artifact2message(args[0], "idpsso", sign=True, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
            if soap.status_code != 200:
                raise ValueError(f"HTTP {soap.status_code}: {soap.text[:400]}")
            # pysaml2 7.0.1 re-serialises the SOAP body before checking signatures, which breaks exc-c14n
            # signatures made with other prefixes; so the signed elements are cut from the received bytes
            # and pysaml2 checks each: the ArtifactResponse, then the Response in it.
            outer = re.search(r"<(\w+:)?ArtifactResponse[\s>].*</(\w+:)?ArtifactResponse>", soap.text, re.S)
            if not outer:
                raise ValueError("no ArtifactResponse in the SOAP answer")
            artifact_response = client._parse_response(outer.group(0), ArtifactResponse, "artifact_resolve", None,
                                                       asynchop=False, entity_id=client.config.entityid,
                                                       attribute_converters=client.config.attribute_converters)
            if artifact_response is None:
                raise ValueError("ArtifactResponse refused")
            inner = re.search(r"<(\w+:)?Response[\s>].*</(\w+:)?Response>", outer.group(0), re.S)
            if not inner:
                raise ValueError("no Response in the ArtifactResponse")
            response = client.parse_authn_request_response(base64.b64encode(inner.group(0).encode()).decode(),
                                                           BINDING_HTTP_ARTIFACT, outstanding=outstanding)
            if response is None:
                raise ValueError("Response refused")
        except Exception as error:  # pysaml2 raises HTTPError with the body for an answer other than 200
            fault = re.search(r"<faultstring>(.*?)</faultstring>", str(error), re.S)
            print(f"REFUSED {fault.group(1) if fault else f'{type(error).__name__}: {error}'}")
            return 1
        print(f"RESOLVED name_id={response.name_id.text}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
