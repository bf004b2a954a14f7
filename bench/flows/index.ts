// The scenarios `npm run bench -- --scenario NAME` knows. Add SSO and SAML here.
import { basisLogin } from './basis.ts';
import { middenLogin } from './midden.ts';
import { samlArtifactLogin } from './saml-artifact.ts';
import { ssoLogin } from './sso.ts';
import { ssoSamlPostLogin } from './sso-saml-post.ts';
import type { Scenario } from './scenario.ts';

export const scenarios: Record<string, Scenario> = {
  [basisLogin.name]: basisLogin,
  [middenLogin.name]: middenLogin,
  [samlArtifactLogin.name]: samlArtifactLogin,
  [ssoLogin.name]: ssoLogin,
  [ssoSamlPostLogin.name]: ssoSamlPostLogin,
};
