#!/usr/bin/python3
"""pysaml2 (Debian python3-pysaml2) as a SAML SP that takes the Response by HTTP-POST, configured by the
guide's docs/guides/pysaml2_sp_config.py. The SP logic is pysaml2's, this only wires it to HTTP.
  pysaml2_sp.py metadata  -> writes SP metadata to $WORK/sp-metadata.xml (ACS: HTTP-POST)
  pysaml2_sp.py serve     -> wsgiref server on 127.0.0.1:$SP_PORT
     /protected/whoami  no session -> signed HTTP-Redirect AuthnRequest (RSA-SHA256) to the IdP
     /acs               HTTP-POST: pysaml2 checks the Response (signature, Audience, Destination,
                        InResponseTo, time) and logs in; anything wrong: 403 "SAML response rejected"
Env: WORK (sp.key, sp.crt, idp-metadata.xml), SP_PORT, SP_ENTITY_ID
"""
import html, os, secrets, sys, urllib.parse
from wsgiref.simple_server import make_server, WSGIRequestHandler
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.xmldsig import SIG_RSA_SHA256, DIGEST_SHA256
import guides  # noqa: F401  (docs/guides on the module path)
from pysaml2_sp_config import sp_config, write_metadata

WORK = os.environ["WORK"]
PORT = int(os.environ["SP_PORT"])
BASE = f"http://127.0.0.1:{PORT}"
ENTITY = os.environ.get("SP_ENTITY_ID", f"{BASE}/pysaml2-sp")


def config(with_idp=True):
    endpoints = {"assertion_consumer_service": [(f"{BASE}/acs", BINDING_HTTP_POST)]}
    return sp_config(ENTITY, WORK, endpoints, {"allow_unsolicited": False}, with_idp=with_idp)


OUTSTANDING, SESSIONS = {}, {}


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
                                                      sigalg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
        OUTSTANDING[reqid] = "/protected/whoami"
        start("303 See Other", info["headers"]); return [b""]
    if path == "/acs" and environ["REQUEST_METHOD"] == "POST":
        form = urllib.parse.parse_qs(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode())
        try:
            resp = client.parse_authn_request_response(form["SAMLResponse"][0], BINDING_HTTP_POST, outstanding=OUTSTANDING)
            if resp is None:
                raise ValueError("no Response")
        except Exception as e:  # signature, audience, time, InResponseTo...
            print(f"ACS rejected response: {type(e).__name__}: {e}", file=sys.stderr)
            start("403 Forbidden", [("Content-Type", "text/plain")]); return [f"SAML response rejected: {type(e).__name__}: {html.escape(str(e))}".encode()]
        OUTSTANDING.pop(resp.in_response_to, None)
        sid = secrets.token_urlsafe(16)
        SESSIONS[sid] = {"name_id": resp.name_id.text}
        print(f"ACS accepted: name_id={resp.name_id.text}", file=sys.stderr)
        relay = form.get("RelayState", ["/protected/whoami"])[0]
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
