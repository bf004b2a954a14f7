// The scenarios `npm run bench -- --scenario NAME` knows. Add Midden, SSO and SAML here.
import { basisLogin } from './basis.ts';
import type { Scenario } from './scenario.ts';

export const scenarios: Record<string, Scenario> = {
  [basisLogin.name]: basisLogin,
};
