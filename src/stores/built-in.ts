// Product data that migration 004 writes in every environment: Poortwachter as an organisation, and
// its one webdienst, the citizen's own pages ("Mijn Poortwachter"). The login layer needs a webdienst
// row to say where the citizen logs in; listings of connected organisations and webdiensten leave
// these out, and the OIDC adapter serves only protocol 'oidc', so no relying party can use it.
export const builtInOrganisationOin = '00000000000000000000';
export const accountWebdienstClientId = 'poortwachter-account';
