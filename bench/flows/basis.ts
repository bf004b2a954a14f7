// One OIDC login at level Basis, as a browser and a webdienst do it:
//   GET /auth?...(PKCE S256) -> 303 /interaction/:uid -> 303 /inloggen/:attemptId -> 200 login form
//   POST form (username, password; Origin) -> 303 /interaction/:uid -> 303 /auth/:uid -> 303 redirect_uri?code
//   POST /token (client_secret_basic, code_verifier) -> ID token (nonce and aud checked, signature not:
//   that is client CPU the server does not spend).
import { finishLogin, formAction, startLogin, submitForm } from './oidc.ts';
import { parallelLoginsOfOneCitizen, type Scenario } from './scenario.ts';

export const basisLogin: Scenario = {
  name: 'basis',
  serverConfig: parallelLoginsOfOneCitizen,
  description: 'OIDC Basis login (authorize -> password -> code -> token, PKCE S256)',
  async run(ctx) {
    const { citizen } = ctx.target;
    // Authorization request, through the interaction, to the login form.
    const { flow, page } = await startLogin(ctx);
    // The password, then back through the interaction to the webdienst's redirect_uri, and the token.
    const back = await submitForm(flow, formAction(flow, page, 'password', 'login page'), {
      username: citizen.username,
      password: citizen.password,
    });
    await finishLogin(flow, back, 'password');
  },
};
