#!/bin/sh
# The webdienst's application in the interop tests: what the login module (mod_auth_mellon,
# mod_auth_openidc) put into the request environment, one line each; never the tokens themselves.
printf 'Content-Type: text/plain\r\n\r\n'
echo "AUTHENTICATED-AS: ${REMOTE_USER:-<none>}"
env | grep -E '^(OIDC_CLAIM_|MELLON_|AUTH_TYPE)' | grep -vE '^OIDC_CLAIM_(at_hash|c_hash)=' | cut -c1-200 | sort
