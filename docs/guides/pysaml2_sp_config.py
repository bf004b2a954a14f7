"""pysaml2 (Debian: python3-pysaml2, with xmlsec1) as the SAML service provider of a webdienst that logs
citizens in with Poortwachter: the configuration of docs/guides/pysaml2.md. The interop tests
(test/interop/pysaml2_*.py) build every one of their service providers with these two functions, so
this file is exactly what they run.

    from pysaml2_sp_config import sp_config, write_metadata
    config = lambda with_idp=True: sp_config(ENTITY_ID, KEY_DIR, {"assertion_consumer_service":
        [(f"{BASE}/acs", BINDING_HTTP_POST)]}, with_idp=with_idp)
    write_metadata(config, KEY_DIR)        # sp-metadata.xml, for `poortwachter webdienst add-saml`
    client = Saml2Client(config=config())

`work` is a folder with the SP's key and certificate (sp.key, sp.crt) and Poortwachter's metadata
(idp-metadata.xml, from $PUBLIC_URL/saml/metadata).
"""
import shutil

from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.xmldsig import SIG_RSA_SHA256, DIGEST_SHA256


def sp_config(entity, work, endpoints, sp_options=None, extra=None, with_idp=True):
    c = {
        "entityid": entity,
        "xmlsec_binary": shutil.which("xmlsec1"),
        "key_file": f"{work}/sp.key", "cert_file": f"{work}/sp.crt",
        "allow_unknown_attributes": True,
        # Poortwachter's Conditions are valid from 2 minutes before to 2 minutes after issuing.
        "accepted_time_diff": 60,
        "service": {"sp": {
            "endpoints": endpoints,
            # Poortwachter refuses unsigned AuthnRequests (RSA-SHA256) and always signs its answers.
            "authn_requests_signed": True,
            "want_response_signed": True,
            "signing_algorithm": SIG_RSA_SHA256, "digest_algorithm": DIGEST_SHA256,
            **(sp_options or {}),
        }},
        **(extra or {}),
    }
    if with_idp:
        c["metadata"] = {"local": [f"{work}/idp-metadata.xml"]}
    cfg = SPConfig()
    cfg.load(c)
    return cfg


def write_metadata(config, work, valid_hours=24):
    """Writes the SP's metadata to `work`/sp-metadata.xml (for `webdienst add-saml`) and prints the path."""
    md = create_metadata_string(None, config=config(with_idp=False), valid=valid_hours)
    with open(f"{work}/sp-metadata.xml", "wb") as out:
        out.write(md if isinstance(md, bytes) else md.encode())
    print(f"{work}/sp-metadata.xml")
