#!/usr/bin/python3
"""pysaml2 (Debian python3-pysaml2) as the SAML SP at the other end of our SOAP single logout: the SP
logic is pysaml2's, this only wires it to files and pipes.
  pysaml2_logout_sp.py metadata -> $WORK/sp-metadata.xml with a SOAP and a Redirect SingleLogoutService
  pysaml2_logout_sp.py serve    -> wsgiref server on 127.0.0.1:$SP_PORT; POST /slo-soap takes our SOAP
                                   LogoutRequest; pysaml2 checks it (signature with the IdP metadata,
                                   Destination, time) and answers its signed SOAP LogoutResponse; NameID
                                   and SessionIndex go to stderr. Running before the logout, it answers
                                   well within our SOAP time limit even on a busy machine.
Env: WORK (sp.key, sp.crt, idp-metadata.xml), SP_ENTITY_ID, SP_BASE, SP_PORT
"""
import base64, os, re, sys
from wsgiref.simple_server import make_server, WSGIRequestHandler
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, BINDING_SOAP
from saml2.client import Saml2Client

from saml2.xmldsig import SIG_RSA_SHA256, DIGEST_SHA256
import guides  # noqa: F401  (docs/guides on the module path)
from pysaml2_sp_config import sp_config, write_metadata
WORK = os.environ["WORK"]
ENTITY = os.environ["SP_ENTITY_ID"]
BASE = os.environ["SP_BASE"]


def config(with_idp=True):
    endpoints = {
        "assertion_consumer_service": [(f"{BASE}/acs", BINDING_HTTP_POST)],
        "single_logout_service": [(f"{BASE}/slo-soap", BINDING_SOAP), (f"{BASE}/slo-soap", BINDING_HTTP_POST), (f"{BASE}/slo", BINDING_HTTP_REDIRECT)],
    }
    return sp_config(ENTITY, WORK, endpoints, with_idp=with_idp)


def answer_soap_logout(body):
    client = Saml2Client(config=config())
    # pysaml2 7.0.1 re-serialises a SOAP body with ElementTree before checking the signature (prefixes
    # become ns0, ns1...), which breaks any exc-c14n signature made with other prefixes (see
    # test/interop/pysaml2_artifact_sp.py). So this glue cuts the LogoutRequest out of the received
    # bytes and lets pysaml2 check it as it would a POSTed one (same endpoint URL, see the config).
    inner = re.search(r"<(\w+:)?LogoutRequest[\s>].*</(\w+:)?LogoutRequest>", body, re.S)
    request = client.parse_logout_request(base64.b64encode(inner.group(0).encode()).decode(), BINDING_HTTP_POST).message
    print("NAMEID", request.name_id.text, "SESSIONINDEX", [index.text for index in request.session_index], file=sys.stderr)
    response = client.create_logout_response(request, [BINDING_SOAP], sign=True, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
    # Signed, it is a string already; the SOAP envelope around it is plain glue.
    signed = re.sub(r"^<\?xml[^>]*\?>", "", str(response)).strip()
    return f'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>{signed}</soap:Body></soap:Envelope>'


if __name__ == "__main__":
    if sys.argv[1:] == ["metadata"]:
        write_metadata(config, WORK)
    elif sys.argv[1:] == ["serve"]:
        def app(environ, start):
            if environ["PATH_INFO"] == "/slo-soap" and environ["REQUEST_METHOD"] == "POST":
                body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
                try:
                    answer = answer_soap_logout(body)
                except Exception as e:  # an unreadable or wrongly signed LogoutRequest
                    print(f"SOAP logout refused: {type(e).__name__}: {e}", file=sys.stderr)
                    start("500 Internal Server Error", [("Content-Type", "text/plain")]); return [b"refused"]
                start("200 OK", [("Content-Type", "text/xml; charset=utf-8")]); return [answer.encode()]
            start("404 Not Found", [("Content-Type", "text/plain")]); return [b"not found"]
        class Quiet(WSGIRequestHandler):
            def log_message(self, fmt, *a): print("sp:", fmt % a, file=sys.stderr)
        make_server("127.0.0.1", int(os.environ["SP_PORT"]), app, handler_class=Quiet).serve_forever()
    else:
        sys.exit(__doc__)
