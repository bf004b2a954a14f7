"""The pysaml2 SP configuration the interop drivers in this folder share: our test SP's key and
certificate in $WORK, xmlsec1 from Debian, RSA-SHA256, signed AuthnRequests, signed answers wanted,
and the IdP's metadata from $WORK/idp-metadata.xml once it has been fetched. Each driver adds its
endpoints and its own SP options."""
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.xmldsig import SIG_RSA_SHA256, DIGEST_SHA256


def sp_config(entity, work, endpoints, sp_options=None, extra=None, with_idp=True):
    c = {
        "entityid": entity,
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "key_file": f"{work}/sp.key", "cert_file": f"{work}/sp.crt",
        "allow_unknown_attributes": True,
        "accepted_time_diff": 60,
        "service": {"sp": {
            "endpoints": endpoints,
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
    """Writes the SP's metadata to $WORK/sp-metadata.xml (for `webdienst add-saml`) and prints the path."""
    md = create_metadata_string(None, config=config(with_idp=False), valid=valid_hours)
    with open(f"{work}/sp-metadata.xml", "wb") as out:
        out.write(md if isinstance(md, bytes) else md.encode())
    print(f"{work}/sp-metadata.xml")
