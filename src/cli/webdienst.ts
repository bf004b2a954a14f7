// `poortwachter webdienst ...`: registering OIDC and SAML webdiensten (DESIGN.md section 7).
import { addSamlWebdienst, updateSamlWebdienst } from '../admin/saml-webdiensten.ts';
import { addOidcWebdienst } from '../admin/webdiensten.ts';
import { systemClock } from '../core/clock.ts';
import { configuredCertificateTrust } from '../core/trust/certificate-trust.ts';
import { required, services, type Commands } from './command.ts';

export const webdienstUsage = `  webdienst add-oidc --organisation OIN --name NAME --redirect-uri URL [--redirect-uri URL ...]
        [--post-logout-redirect-uri URL] [--backchannel-logout-uri URL] [--level basis|midden]
        [--federation NAME] [--auth client_secret_basic|private_key_jwt] [--jwks-uri URL]
        [--allow-self-signed]     (preproduction: x5c certificates may be self-signed)
  webdienst add-saml --organisation OIN --name NAME --metadata FILE_OR_URL [--level basis|midden]
        [--federation NAME] [--response-binding artifact|post] [--allow-self-signed]
        (prints the entityID; --allow-self-signed: preproduction only, self-signed certificates)
  webdienst update-saml --entity-id ID --metadata FILE_OR_URL [--response-binding artifact|post]
        (re-imports the metadata: certificate rollover, new or removed ACS endpoints)
  webdienst list`;

export const webdienstCommands: Commands = {
  'webdienst add-oidc': {
    options: {
      organisation: { type: 'string' },
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      'backchannel-logout-uri': { type: 'string' },
      level: { type: 'string' },
      federation: { type: 'string' },
      auth: { type: 'string' },
      'jwks-uri': { type: 'string' },
      'allow-self-signed': { type: 'boolean' },
    },
    run: async ({ config, store, options }) => {
      const { adminDeps } = services(config, store);
      const registered = await addOidcWebdienst(
        { ...adminDeps, environment: config.environment, trust: configuredCertificateTrust(config, systemClock) },
        {
          organisationOin: required(options, 'organisation'),
          name: required(options, 'name'),
          redirectUris: (options['redirect-uri'] as string[] | undefined) ?? [],
          postLogoutRedirectUris: options['post-logout-redirect-uri'] as string[] | undefined,
          backchannelLogoutUri: options['backchannel-logout-uri'] as string | undefined,
          level: options.level as string | undefined,
          federation: options.federation as string | undefined,
          auth: options.auth as string | undefined,
          jwksUri: options['jwks-uri'] as string | undefined,
          allowSelfSigned: options['allow-self-signed'] === true,
        },
      );
      return {
        client_id: registered.clientId,
        ...(registered.clientSecret ? { client_secret: registered.clientSecret } : {}),
        issuer: config.publicUrl,
        discovery: `${config.publicUrl}/.well-known/openid-configuration`,
        level: registered.webdienst.minimumLevel,
      };
    },
  },
  'webdienst add-saml': {
    options: {
      organisation: { type: 'string' },
      name: { type: 'string' },
      metadata: { type: 'string' },
      level: { type: 'string' },
      federation: { type: 'string' },
      'response-binding': { type: 'string' },
      'allow-self-signed': { type: 'boolean' },
    },
    run: async ({ config, store, options }) => {
      const { adminDeps } = services(config, store);
      const registered = await addSamlWebdienst(
        { ...adminDeps, environment: config.environment, trust: configuredCertificateTrust(config, systemClock) },
        {
          organisationOin: required(options, 'organisation'),
          name: required(options, 'name'),
          metadata: required(options, 'metadata'),
          level: options.level as string | undefined,
          federation: options.federation as string | undefined,
          responseBinding: options['response-binding'] as string | undefined,
          allowSelfSigned: options['allow-self-signed'] === true,
        },
      );
      return {
        entity_id: registered.entityId,
        idp_metadata: `${config.publicUrl}/saml/metadata`,
        level: registered.webdienst.minimumLevel,
        response_binding: registered.registration.responseBinding,
      };
    },
  },
  'webdienst update-saml': {
    options: {
      'entity-id': { type: 'string' },
      metadata: { type: 'string' },
      'response-binding': { type: 'string' },
    },
    run: async ({ config, store, options }) => {
      const { adminDeps } = services(config, store);
      const { entityId, registration } = await updateSamlWebdienst(
        { ...adminDeps, environment: config.environment, trust: configuredCertificateTrust(config, systemClock) },
        {
          entityId: required(options, 'entity-id'),
          metadata: required(options, 'metadata'),
          responseBinding: options['response-binding'] as string | undefined,
        },
      );
      return {
        entity_id: entityId,
        response_binding: registration.responseBinding,
        assertion_consumer_services: registration.assertionConsumerServices.map(
          (acs) => `${acs.index} ${acs.binding.split(':').pop()} ${acs.location}`,
        ),
        signing_certificates: registration.signingCertificates.length,
        encryption_certificates: registration.encryptionCertificates.length,
      };
    },
  },
  'webdienst list': {
    options: {},
    run: async ({ store }) =>
      (await store.listWebdiensten()).map((webdienst) => ({
        name: webdienst.name,
        protocol: webdienst.protocol,
        client_id: webdienst.clientId,
        organisation: webdienst.organisation.name,
        oin: webdienst.organisation.oin,
        bsn_entitled: webdienst.organisation.bsnEntitled,
        level: webdienst.minimumLevel,
        federation: webdienst.federation,
      })),
  },
};
