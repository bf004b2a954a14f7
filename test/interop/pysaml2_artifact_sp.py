#!/usr/bin/python3
"""pysaml2 (Debian python3-pysaml2) as a SAML SP that takes the Response by HTTP-Artifact: the DigiD
default binding. The SP logic is pysaml2's, this only wires it to HTTP.
  pysaml2_artifact_sp.py metadata  -> writes SP metadata to $WORK/sp-metadata.xml (ACS: HTTP-Artifact)
  pysaml2_artifact_sp.py serve     -> wsgiref server on 127.0.0.1:$SP_PORT
     /protected/whoami  no session -> signed HTTP-Redirect AuthnRequest asking the Response by artifact
     /acs-artifact      GET ?SAMLart=...: pysaml2 resolves it with a signed SOAP ArtifactResolve at the IdP's
                        ArtifactResolutionService, checks the ArtifactResponse and the Response (signature,
                        audience, InResponseTo, time), then logs in
Env: WORK, SP_PORT, SP_ENTITY_ID
"""
import base64, html, os, re, secrets, sys, urllib.parse
from wsgiref.simple_server import make_server, WSGIRequestHandler
from saml2 import BINDING_HTTP_ARTIFACT, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client

from saml2.response import ArtifactResponse
from saml2.xmldsig import SIG_RSA_SHA256, DIGEST_SHA256
import guides  # noqa: F401  (docs/guides on the module path)
from pysaml2_sp_config import sp_config, write_metadata

WORK = os.environ["WORK"]
PORT = int(os.environ.get("SP_PORT", "47221"))
BASE = f"http://127.0.0.1:{PORT}"
ENTITY = os.environ.get("SP_ENTITY_ID", f"{BASE}/pysaml2-artifact-sp")


def config(with_idp=True):
    endpoints = {"assertion_consumer_service": [(f"{BASE}/acs-artifact", BINDING_HTTP_ARTIFACT)]}
    return sp_config(ENTITY, WORK, endpoints, {"want_assertions_signed": True, "allow_unsolicited": False}, with_idp=with_idp)


OUTSTANDING, SESSIONS, USED_ARTIFACTS = {}, {}, set()


def app(environ, start):
    path = environ["PATH_INFO"]
    cookies = dict(kv.strip().split("=", 1) for kv in environ.get("HTTP_COOKIE", "").split(";") if "=" in kv)
    sess = SESSIONS.get(cookies.get("pysaml2_sp"))
    client = Saml2Client(config=CFG)
    if path == "/protected/whoami":
        if sess:
            start("200 OK", [("Content-Type", "text/plain")]); return [f"AUTHENTICATED-AS: {sess['name_id']}\n".encode()]
        idp = next(iter(CFG.metadata.identity_providers()))
        reqid, info = client.prepare_for_authenticate(entityid=idp, relay_state="/protected/whoami", binding=BINDING_HTTP_REDIRECT,
                                                      response_binding=BINDING_HTTP_ARTIFACT, sigalg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
        OUTSTANDING[reqid] = "/protected/whoami"
        start("303 See Other", info["headers"]); return [b""]
    if path == "/acs-artifact" and environ["REQUEST_METHOD"] == "GET":
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        artifact = query.get("SAMLart", [""])[0]
        try:
            soap = client.artifact2message(artifact, "idpsso", sign=True, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
            if soap.status_code != 200:
                raise ValueError(f"ArtifactResolve answered HTTP {soap.status_code}")
            # pysaml2 7.0.1's own parse_artifact_resolve_response re-serialises the SOAP body with
            # ElementTree (prefixes become ns0, ns1...), which breaks any exc-c14n signature made with
            # other prefixes. So this glue cuts the signed elements out of the received bytes and lets
            # pysaml2 check each: the ArtifactResponse (signed, from our IdP), then the Response in it.
            text = soap.text
            outer = re.search(r"<(\w+:)?ArtifactResponse[\s>].*</(\w+:)?ArtifactResponse>", text, re.S)
            if not outer:
                raise ValueError("no ArtifactResponse in the SOAP answer")
            artifact_response = client._parse_response(outer.group(0), ArtifactResponse, "artifact_resolve", None, asynchop=False,
                                                       entity_id=client.config.entityid, attribute_converters=client.config.attribute_converters)
            if artifact_response is None or artifact_response.response.status.status_code.value != "urn:oasis:names:tc:SAML:2.0:status:Success":
                raise ValueError("ArtifactResponse without success")
            inner = re.search(r"<(\w+:)?Response[\s>].*</(\w+:)?Response>", outer.group(0), re.S)
            if not inner:
                raise ValueError("no Response in the ArtifactResponse")
            resp = client.parse_authn_request_response(base64.b64encode(inner.group(0).encode()).decode(), BINDING_HTTP_ARTIFACT, outstanding=OUTSTANDING)
            if resp is None:
                raise ValueError("no Response in the ArtifactResponse")
        except Exception as e:  # unresolvable artifact, bad signature, audience, InResponseTo, time...
            print(f"ACS rejected artifact: {type(e).__name__}: {e}", file=sys.stderr)
            start("403 Forbidden", [("Content-Type", "text/plain")]); return [f"SAML artifact rejected: {type(e).__name__}: {html.escape(str(e))}".encode()]
        OUTSTANDING.pop(resp.in_response_to, None)
        sid = secrets.token_urlsafe(16)
        SESSIONS[sid] = {"name_id": resp.name_id.text}
        print(f"ACS accepted artifact: name_id={resp.name_id.text}", file=sys.stderr)
        relay = query.get("RelayState", ["/protected/whoami"])[0]
        start("303 See Other", [("Location", relay if relay.startswith("/") else "/protected/whoami"),
                                ("Set-Cookie", f"pysaml2_sp={sid}; Path=/; HttpOnly; SameSite=Lax")]); return [b""]
    start("404 Not Found", [("Content-Type", "text/plain")]); return [b"not found"]


if __name__ == "__main__":
    if sys.argv[1:] == ["metadata"]:
        write_metadata(config, WORK, valid_hours=24 * 30)
    elif sys.argv[1:] == ["serve"]:
        CFG = config()
        class Quiet(WSGIRequestHandler):
            def log_message(self, fmt, *a): print("sp:", fmt % a, file=sys.stderr)
        make_server("127.0.0.1", PORT, app, handler_class=Quiet).serve_forever()
    else:
        sys.exit(__doc__)
