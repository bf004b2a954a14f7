// `poortwachter webdienst ...`: registering OIDC and SAML webdiensten.
import { readFile, writeFile } from 'node:fs/promises';
import { addSamlWebdienst, updateSamlWebdienst } from '../admin/saml-webdiensten.ts';
import { addOidcWebdienst } from '../admin/webdiensten.ts';
import {
  registeredWebdienst,
  removeWebdienst,
  setWebdienstSuspended,
  updateOidcWebdienst,
  updateWebdienst,
} from '../admin/webdienst-changes.ts';
import { exportWebdienst, importWebdienst, webdienstChecklist } from '../admin/webdienst-transfer.ts';
import { refreshSamlMetadata } from '../admin/saml-metadata-refresh.ts';
import { samlMetadataSettings } from '../admin/saml-metadata-url.ts';
import type { Config } from '../../config/index.ts';
import { systemClock } from '../core/clock.ts';
import { configuredCertificateTrust } from '../core/trust/certificate-trust.ts';
import type { SamlMetadataSourceRow, Store, WebdienstWithOrganisation } from '../stores/index.ts';
import { adminServices, iso, optional, required, UsageError, type Commands, type Options } from './command.ts';

/** The admin services with the certificate policy of this deployment (its trust anchors and CRLs). */
const certificateServices = (config: Config, store: Store) => ({
  ...adminServices(config, store),
  trust: configuredCertificateTrust(config, systemClock),
  samlMetadata: samlMetadataSettings(config),
});

/** The PEM file of --metadata-signing-cert, when given. */
async function signingCertificateFile(options: Options): Promise<string | undefined> {
  const file = optional(options, 'metadata-signing-cert');
  if (file === undefined) return undefined;
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read --metadata-signing-cert ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

/** The refresh state of metadata registered by URL (`webdienst show`, `list`). */
const metadataRefreshShown = (source: SamlMetadataSourceRow) => ({
  url: source.url,
  valid_until: iso(source.validUntil),
  last_success_at: iso(source.lastSuccessAt),
  last_attempt_at: iso(source.lastAttemptAt),
  last_error_at: iso(source.lastErrorAt),
  last_error: source.lastError,
  consecutive_failures: source.consecutiveFailures,
  next_attempt_at: iso(source.nextAttemptAt),
});

export const webdienstUsage = `  webdienst add-oidc --organisation OIN --name NAME --redirect-uri URL [--redirect-uri URL ...]
        [--post-logout-redirect-uri URL] [--backchannel-logout-uri URL] [--level basis|midden]
        [--federation NAME] [--auth client_secret_basic|private_key_jwt] [--jwks-uri URL]
        [--allow-self-signed]     (preproduction: x5c certificates may be self-signed)
  webdienst add-saml --organisation OIN --name NAME --metadata FILE_OR_URL [--level basis|midden]
        [--federation NAME] [--response-binding artifact|post] [--allow-self-signed]
        (prints the entityID; --allow-self-signed: preproduction only, self-signed certificates)
        or --metadata-url URL --metadata-signing-cert FILE instead of --metadata: signed metadata,
        read again on a schedule (https in production; every check must pass at registration)
  webdienst update-saml --entity-id ID --metadata FILE_OR_URL [--response-binding artifact|post]
        (re-imports the metadata: certificate rollover, new or removed ACS endpoints)
        or --metadata-url URL [--metadata-signing-cert FILE] (the registered certificate stays when not given)
  webdienst refresh-metadata --client-id ENTITY_ID   reads metadata registered by URL now (exit 1 when refused)
  webdienst show CLIENT_ID_OR_ENTITY_ID              one webdienst, with the refresh state of its metadata URL
  webdienst update-oidc --client-id ID [--name NAME] [--redirect-uri URL ...] [--post-logout-redirect-uri URL ...]
        [--no-post-logout-redirect-uri] [--backchannel-logout-uri URL | --no-backchannel-logout-uri]
        [--jwks-uri URL] [--level basis|midden] [--federation NAME | --no-federation]
  webdienst update --client-id ID_OR_ENTITY_ID [--name NAME] [--level basis|midden] [--federation NAME | --no-federation]
  webdienst suspend --client-id ID_OR_ENTITY_ID [--reason TEXT]   (logins get the protocol's error)
  webdienst resume --client-id ID_OR_ENTITY_ID
  webdienst remove --client-id ID_OR_ENTITY_ID                    (kept for the audit trail only)
  webdienst checklist CLIENT_ID_OR_NAME              the connection checklist: pass/fail per item with evidence
        (exit 1 while it does not pass)
  webdienst export CLIENT_ID_OR_NAME [--out FILE]   the registration and its checklist report, as JSON
  webdienst import FILE                             register an exported webdienst; refused unless its checklist passed
  webdienst list`;

const shown = (webdienst: WebdienstWithOrganisation) => ({
  name: webdienst.name,
  protocol: webdienst.protocol,
  client_id: webdienst.clientId,
  organisation: webdienst.organisation.name,
  oin: webdienst.organisation.oin,
  bsn_entitled: webdienst.organisation.bsnEntitled,
  level: webdienst.minimumLevel,
  federation: webdienst.federation,
  suspended_at: iso(webdienst.suspendedAt ?? null),
  organisation_suspended_at: iso(webdienst.organisation.suspendedAt ?? null),
});

const federationChange = (options: Options): string | null | undefined => {
  if (options.federation !== undefined && options['no-federation'])
    throw new UsageError('give --federation or --no-federation, not both');
  return options['no-federation'] ? null : optional(options, 'federation');
};

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
      const registered = await addOidcWebdienst(certificateServices(config, store), {
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
      });
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
      'metadata-url': { type: 'string' },
      'metadata-signing-cert': { type: 'string' },
      level: { type: 'string' },
      federation: { type: 'string' },
      'response-binding': { type: 'string' },
      'allow-self-signed': { type: 'boolean' },
    },
    run: async ({ config, store, options }) => {
      const metadataUrl = optional(options, 'metadata-url');
      const registered = await addSamlWebdienst(certificateServices(config, store), {
        organisationOin: required(options, 'organisation'),
        name: required(options, 'name'),
        ...(metadataUrl === undefined
          ? { metadata: required(options, 'metadata') }
          : { metadata: optional(options, 'metadata'), metadataUrl }),
        metadataSigningCertificate: await signingCertificateFile(options),
        level: options.level as string | undefined,
        federation: options.federation as string | undefined,
        responseBinding: options['response-binding'] as string | undefined,
        allowSelfSigned: options['allow-self-signed'] === true,
      });
      return {
        entity_id: registered.entityId,
        idp_metadata: `${config.publicUrl}/saml/metadata`,
        level: registered.webdienst.minimumLevel,
        response_binding: registered.registration.responseBinding,
        ...(metadataUrl !== undefined
          ? {
              metadata_valid_until: iso(registered.registration.metadataValidUntil ?? null),
            }
          : {}),
      };
    },
  },
  'webdienst update-saml': {
    options: {
      'entity-id': { type: 'string' },
      metadata: { type: 'string' },
      'metadata-url': { type: 'string' },
      'metadata-signing-cert': { type: 'string' },
      'response-binding': { type: 'string' },
    },
    run: async ({ config, store, options }) => {
      const metadataUrl = optional(options, 'metadata-url');
      const { entityId, registration } = await updateSamlWebdienst(certificateServices(config, store), {
        entityId: required(options, 'entity-id'),
        ...(metadataUrl === undefined
          ? { metadata: required(options, 'metadata') }
          : { metadata: optional(options, 'metadata'), metadataUrl }),
        metadataSigningCertificate: await signingCertificateFile(options),
        responseBinding: options['response-binding'] as string | undefined,
      });
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
  'webdienst update-oidc': {
    options: {
      'client-id': { type: 'string' },
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      'no-post-logout-redirect-uri': { type: 'boolean' },
      'backchannel-logout-uri': { type: 'string' },
      'no-backchannel-logout-uri': { type: 'boolean' },
      'jwks-uri': { type: 'string' },
      level: { type: 'string' },
      federation: { type: 'string' },
      'no-federation': { type: 'boolean' },
    },
    run: async ({ config, store, options }) => {
      if (options['post-logout-redirect-uri'] && options['no-post-logout-redirect-uri'])
        throw new UsageError('give --post-logout-redirect-uri or --no-post-logout-redirect-uri, not both');
      if (options['backchannel-logout-uri'] && options['no-backchannel-logout-uri'])
        throw new UsageError('give --backchannel-logout-uri or --no-backchannel-logout-uri, not both');
      const webdienst = await updateOidcWebdienst(adminServices(config, store), required(options, 'client-id'), {
        name: optional(options, 'name'),
        redirectUris: options['redirect-uri'] as string[] | undefined,
        postLogoutRedirectUris: options['no-post-logout-redirect-uri']
          ? []
          : (options['post-logout-redirect-uri'] as string[] | undefined),
        backchannelLogoutUri: options['no-backchannel-logout-uri'] ? '' : optional(options, 'backchannel-logout-uri'),
        jwksUri: optional(options, 'jwks-uri'),
        level: optional(options, 'level'),
        federation: federationChange(options),
      });
      const registration = webdienst.protocolMetadata as {
        redirect_uris?: string[];
        post_logout_redirect_uris?: string[];
        backchannel_logout_uri?: string;
        jwks_uri?: string;
      };
      return {
        ...shown(webdienst),
        redirect_uris: registration.redirect_uris ?? [],
        post_logout_redirect_uris: registration.post_logout_redirect_uris ?? [],
        backchannel_logout_uri: registration.backchannel_logout_uri ?? null,
        jwks_uri: registration.jwks_uri ?? null,
      };
    },
  },
  'webdienst update': {
    options: {
      'client-id': { type: 'string' },
      name: { type: 'string' },
      level: { type: 'string' },
      federation: { type: 'string' },
      'no-federation': { type: 'boolean' },
    },
    run: async ({ config, store, options }) =>
      shown(
        await updateWebdienst(adminServices(config, store), required(options, 'client-id'), {
          name: optional(options, 'name'),
          level: optional(options, 'level'),
          federation: federationChange(options),
        }),
      ),
  },
  'webdienst suspend': {
    options: { 'client-id': { type: 'string' }, reason: { type: 'string' } },
    run: async ({ config, store, options }) =>
      shown(
        await setWebdienstSuspended(
          adminServices(config, store),
          required(options, 'client-id'),
          true,
          optional(options, 'reason'),
        ),
      ),
  },
  'webdienst resume': {
    options: { 'client-id': { type: 'string' } },
    run: async ({ config, store, options }) =>
      shown(await setWebdienstSuspended(adminServices(config, store), required(options, 'client-id'), false)),
  },
  'webdienst remove': {
    options: { 'client-id': { type: 'string' } },
    run: async ({ config, store, options }) => {
      const removed = await removeWebdienst(adminServices(config, store), required(options, 'client-id'));
      return { removed: removed.clientId, name: removed.name, protocol: removed.protocol };
    },
  },
  'webdienst checklist': {
    options: {},
    positional: 'webdienst',
    run: async ({ config, store, options }) => {
      const report = await webdienstChecklist(adminServices(config, store), required(options, 'webdienst'));
      return { ok: report.passed, ...report };
    },
  },
  'webdienst export': {
    options: { out: { type: 'string' } },
    positional: 'webdienst',
    run: async ({ config, store, options }) => {
      const exported = await exportWebdienst(adminServices(config, store), required(options, 'webdienst'));
      const out = optional(options, 'out');
      if (!out) return exported;
      await writeFile(out, `${JSON.stringify(exported, null, 2)}\n`, { mode: 0o600 });
      return { written: out, client_id: exported.webdienst.clientId, checklist_passed: exported.checklist.passed };
    },
  },
  'webdienst import': {
    options: {},
    positional: 'file',
    run: async ({ config, store, options }) => {
      const file = required(options, 'file');
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        throw new UsageError(`cannot read ${file} as JSON: ${(error as Error).message}`);
      }
      const { webdienst, checklist } = await importWebdienst(certificateServices(config, store), parsed);
      return { ...shown(webdienst), checklist_passed: checklist.passed };
    },
  },
  'webdienst list': {
    options: {},
    run: async ({ store }) => {
      const sources = new Map((await store.listSamlMetadataSources()).map((source) => [source.webdienstId, source]));
      return (await store.listWebdiensten()).map((webdienst) => {
        const source = sources.get(webdienst.id);
        return { ...shown(webdienst), ...(source ? { metadata_refresh: metadataRefreshShown(source) } : {}) };
      });
    },
  },
  'webdienst show': {
    options: {},
    positional: 'webdienst',
    run: async ({ config, store, options }) => {
      const webdienst = await registeredWebdienst(adminServices(config, store), required(options, 'webdienst'));
      const source = await store.findSamlMetadataSource(webdienst.id);
      return { ...shown(webdienst), ...(source ? { metadata_refresh: metadataRefreshShown(source) } : {}) };
    },
  },
  'webdienst refresh-metadata': {
    options: { 'client-id': { type: 'string' } },
    run: async ({ config, store, options }) => {
      const deps = certificateServices(config, store);
      const webdienst = await registeredWebdienst(deps, required(options, 'client-id'));
      if (!(await store.findSamlMetadataSource(webdienst.id)))
        throw new UsageError(
          `${webdienst.clientId} has no metadata URL; register one with "webdienst update-saml --metadata-url"`,
        );
      const result = await refreshSamlMetadata(deps, webdienst.id, { force: true });
      const source = await store.findSamlMetadataSource(webdienst.id);
      return {
        ok: result.outcome === 'refreshed' || result.outcome === 'not_modified',
        client_id: webdienst.clientId,
        outcome: result.outcome === 'skipped' ? 'another_refresh_running' : result.outcome,
        ...(result.reason && result.outcome === 'failed' ? { reason: result.reason, message: result.message } : {}),
        ...(source ? { metadata_refresh: metadataRefreshShown(source) } : {}),
      };
    },
  },
};
