// The authenticated data an operator's authenticator-app secret is sealed under (totp-secret-box.ts):
// prefixed, so a sealed operator secret never opens as a citizen's, nor the other way round.
export const operatorSecretOwner = (operatorId: string): string => `operator:${operatorId}`;

/** How an operator is named in audit events' details (`operator`), as the admin functions record it. */
export const operatorActor = (username: string): string => `operator:${username}`;
