#!/usr/bin/python3
"""pysaml2 (Debian python3-pysaml2) as a SAML SP that logs in through our SSO session and starts single
logout itself. The SP logic is pysaml2's (Saml2Client: AuthnRequest, Response checks, identity cache,
global_logout, LogoutResponse handling); this only wires it to a pipe, so the test's browser can carry
its messages.
  pysaml2_sso_sp.py metadata -> $WORK/sp-metadata.xml: ACS by HTTP-POST, SingleLogoutService by HTTP-Redirect
  pysaml2_sso_sp.py drive    -> one JSON command a line on stdin, one JSON answer a line on stdout; the
                                Saml2Client (and its identity cache) lives as long as the process:
    {"op": "login"}                      -> {"url"}: signed HTTP-Redirect AuthnRequest to the IdP
    {"op": "acs", "SAMLResponse", "RelayState"?}
                                         -> pysaml2 checks the POSTed Response (signature, InResponseTo,
                                            Audience, Destination, time) -> {"name_id", "session_index",
                                            "authn_context", "issuer", "known_to"}
    {"op": "logout", "name_id"}          -> Saml2Client.global_logout (signed, HTTP-Redirect, rsa-sha256)
                                            -> {"url", "request_id", "relay_state"}
    {"op": "logout_response", "url"}     -> the redirect signature checked with the IdP's signing key from
                                            its metadata, the LogoutResponse parsed (Destination) and
                                            handled -> {"status", "in_response_to", "issuer", "handled", "known_to"}
                                            Any failure: {"error": "..."}.
Env: WORK (sp.key, sp.crt, idp-metadata.xml), SP_ENTITY_ID, SP_BASE
"""
import json, os, sys, traceback, urllib.parse
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import PREFERRED_BINDING
from saml2.ident import code, decode
from saml2.s_utils import decode_base64_and_inflate
from saml2.samlp import logout_request_from_string
from saml2.sigver import RSACrypto, verify_redirect_signature
from saml2.xmldsig import SIG_RSA_SHA256, DIGEST_SHA256
import guides  # noqa: F401  (docs/guides on the module path)
from pysaml2_sp_config import sp_config, write_metadata

WORK = os.environ["WORK"]
ENTITY = os.environ["SP_ENTITY_ID"]
BASE = os.environ["SP_BASE"]


def config(with_idp=True):
    endpoints = {
        "assertion_consumer_service": [(f"{BASE}/acs", BINDING_HTTP_POST)],
        "single_logout_service": [(f"{BASE}/slo", BINDING_HTTP_REDIRECT)],
    }
    sp_options = {
        "logout_requests_signed": True, "want_assertions_or_response_signed": True, "allow_unsolicited": False,
        "name_id_format": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    }
    # Single logout by HTTP-Redirect in the browser (pysaml2 would take the IdP's SOAP endpoint first).
    extra = {"preferred_binding": dict(PREFERRED_BINDING, single_logout_service=[BINDING_HTTP_REDIRECT])}
    return sp_config(ENTITY, WORK, endpoints, sp_options, extra, with_idp)


def location(http_info):
    return dict(http_info["headers"])["Location"]


class Driver:
    def __init__(self):
        self.client = Saml2Client(config=config())
        self.idp = next(iter(self.client.metadata.identity_providers()))
        self.outstanding = {}

    def known_to(self, name_id):
        """The IdPs pysaml2's identity cache holds a session of this subject from (global_logout's list)."""
        try:
            return list(self.client.users.issuers_of_info(name_id))
        except KeyError:
            return []

    def login(self, _):
        request_id, info = self.client.prepare_for_authenticate(entityid=self.idp, relay_state="/", binding=BINDING_HTTP_REDIRECT, sigalg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
        self.outstanding[request_id] = "/"
        return {"url": location(info), "request_id": request_id}

    def acs(self, command):
        response = self.client.parse_authn_request_response(command["SAMLResponse"], BINDING_HTTP_POST, outstanding=self.outstanding)
        if response is None:
            raise ValueError("pysaml2 found no Response")
        self.outstanding.pop(response.in_response_to, None)
        info = response.session_info()
        return {
            "name_id": code(response.name_id), "name_id_text": response.name_id.text,
            "session_index": info["session_index"],
            "authn_context": [entry[0] for entry in info["authn_info"]],
            "issuer": response.issuer(), "in_response_to": response.in_response_to,
            "known_to": self.known_to(response.name_id),
        }

    def logout(self, command):
        name_id = decode(command["name_id"])
        responses = self.client.global_logout(name_id, reason="", sign=True, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
        (entity_id, (binding, info)), = responses.items()
        if binding != BINDING_HTTP_REDIRECT:
            raise ValueError(f"pysaml2 chose {binding}")
        url = location(info)
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        request_id = logout_request_from_string(decode_base64_and_inflate(query["SAMLRequest"])).id
        return {"url": url, "entity_id": entity_id, "request_id": request_id, "relay_state": query.get("RelayState")}

    def logout_response(self, command):
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(command["url"]).query))
        if "Signature" not in query or "SigAlg" not in query:
            raise ValueError("LogoutResponse by Redirect without a signature")
        certificates = self.client.metadata.certs(self.idp, "idpsso", "signing")
        if not any(verify_redirect_signature(query, RSACrypto(None), cert=cert) for cert in certificates):
            raise ValueError("the redirect signature of the LogoutResponse does not verify with the IdP's key")
        response = self.client.parse_logout_request_response(query["SAMLResponse"], BINDING_HTTP_REDIRECT)
        if response is None:
            raise ValueError("pysaml2 found no LogoutResponse")
        message = response.response
        name_id = self.client.state[response.in_response_to]["name_id"]
        handled = self.client.handle_logout_response(response, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
        return {
            "status": message.status.status_code.value,
            "sub_status": message.status.status_code.status_code.value if message.status.status_code.status_code else None,
            "in_response_to": response.in_response_to, "issuer": response.issuer(), "destination": message.destination,
            "relay_state": query.get("RelayState"),
            "handled": handled[1] if isinstance(handled, tuple) else repr(handled),
            "known_to": self.known_to(decode(name_id)),
        }


def drive():
    driver = Driver()
    for line in sys.stdin:
        command = json.loads(line)
        try:
            answer = getattr(driver, command["op"])(command)
        except Exception as error:  # pysaml2's refusals: signature, audience, time, status...
            traceback.print_exc(file=sys.stderr)
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    if sys.argv[1:] == ["metadata"]:
        write_metadata(config, WORK)
    elif sys.argv[1:] == ["drive"]:
        drive()
    else:
        sys.exit(__doc__)
