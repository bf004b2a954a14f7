// The console's webdienst pages: list, add an OIDC webdienst, its page (settings, certificates with
// their expiry), change, suspend, resume and remove. The changes run through src/admin
// (webdiensten.ts, webdienst-changes.ts) with the operator as actor.
import type { Context } from 'koa';
import { NotFoundError, ValidationError } from '../../core/errors.ts';
import { readForm } from '../../http/form-body.ts';
import { renderConsole } from './page.ts';
import type { SamlMetadataSourceRow, WebdienstWithOrganisation } from '../../stores/index.ts';
import type { OidcRegistration } from '../../frontends/oidc/client-metadata.ts';
import {
  removeWebdienst,
  setWebdienstSuspended,
  updateOidcWebdienst,
  updateWebdienst,
  type OidcWebdienstUpdate,
} from '../webdienst-changes.ts';
import { addOidcWebdienst } from '../webdiensten.ts';
import { adminDepsOf, formProblemOf, lines } from './admin-actions.ts';
import { certificatesOf } from './certificate-list.ts';
import { expiryMarkOf } from './certificate-routes.ts';
import type { ConsoleDeps } from './deps.ts';
import { noticeOf, redirectWithNotice } from './notices.ts';
import { consolePath } from './session-cookie.ts';

export const webdienstenPath = `${consolePath}/webdiensten`;
export const webdienstPath = (id: string): string => `${webdienstenPath}/${encodeURIComponent(id)}`;

const oidcFields = [
  'organisation',
  'name',
  'redirectUris',
  'postLogoutRedirectUris',
  'backchannelLogoutUri',
  'level',
  'federation',
  'auth',
  'jwksUri',
  'jwks',
];

/** A moment as the console shows it: UTC, to the minute. */
const utc = (at: number | null): string | undefined =>
  at === null ? undefined : new Date(at).toISOString().slice(0, 16).replace('T', ' ');

const metadataRefreshShown = (source: SamlMetadataSourceRow) => ({
  url: source.url,
  lastSuccessAt: utc(source.lastSuccessAt),
  lastErrorAt: utc(source.lastErrorAt),
  lastError: source.lastError,
  consecutiveFailures: source.consecutiveFailures,
  nextAttemptAt: utc(source.nextAttemptAt),
  validUntil: utc(source.validUntil),
});

type Registration = OidcRegistration & { backchannel_logout_uri?: string };

/** The form's values of a registered webdienst, as its change form shows them. */
function valuesOf(webdienst: WebdienstWithOrganisation) {
  const registration = webdienst.protocolMetadata as Registration;
  return {
    name: webdienst.name,
    level: webdienst.minimumLevel,
    federation: webdienst.federation ?? '',
    redirectUris: (registration.redirect_uris ?? []).join('\n'),
    postLogoutRedirectUris: (registration.post_logout_redirect_uris ?? []).join('\n'),
    backchannelLogoutUri: registration.backchannel_logout_uri ?? '',
    jwksUri: registration.jwks_uri ?? '',
  };
}

function parsedJwks(text: string): { keys: unknown[] } | undefined {
  if (!text.trim()) return undefined;
  try {
    const parsed = JSON.parse(text) as { keys?: unknown };
    if (Array.isArray(parsed.keys)) return { keys: parsed.keys };
  } catch {
    // answered below
  }
  throw new ValidationError('admin.invalid_jwks', 'the keys are not a JWKS: a JSON object with "keys"');
}

export function consoleWebdienstHandlers(deps: ConsoleDeps) {
  async function webdienstOf(ctx: Context): Promise<WebdienstWithOrganisation> {
    const id = String((ctx.params as Record<string, string | undefined>).id ?? '');
    const webdienst = /^[\w-]{1,64}$/.test(id) ? await deps.store.findWebdienstById(id) : undefined;
    // A removed webdienst is not found any more (stores/webdiensten.ts), so it cannot be changed.
    if (!webdienst || webdienst.protocol === 'account')
      throw new NotFoundError('error.not_found', `console: no webdienst ${id.slice(0, 64)}`);
    return webdienst;
  }

  async function showWebdienst(
    ctx: Context,
    webdienst: WebdienstWithOrganisation,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    // SAML metadata registered by URL is read again on a schedule: its state is shown with the page.
    const source = webdienst.protocol === 'saml' ? await deps.store.findSamlMetadataSource(webdienst.id) : undefined;
    renderConsole(
      ctx,
      'beheer/webdienst.njk',
      {
        webdienst,
        registration: webdienst.protocolMetadata,
        certificates: certificatesOf(webdienst, deps.clock.now()).map((certificate) => ({
          ...certificate,
          mark: expiryMarkOf(certificate.daysLeft),
        })),
        metadataRefresh: source ? metadataRefreshShown(source) : undefined,
        values: valuesOf(webdienst),
        notice: noticeOf(ctx),
        ...extra,
      },
      status,
    );
  }

  async function addForm(ctx: Context, values: Record<string, unknown>, problem = {}, status = 200) {
    const organisations = (await deps.store.listOrganisations()).filter((organisation) => !organisation.suspendedAt);
    renderConsole(
      ctx,
      'beheer/webdienst-new.njk',
      { organisations, values, production: deps.config.environment === 'production', ...problem },
      status,
    );
  }

  return {
    list: async (ctx: Context): Promise<void> => {
      renderConsole(ctx, 'beheer/webdiensten.njk', {
        webdiensten: await deps.store.listWebdiensten(),
        notice: noticeOf(ctx),
      });
    },

    addForm: async (ctx: Context): Promise<void> => {
      const organisation = typeof ctx.query.organisatie === 'string' ? ctx.query.organisatie : '';
      await addForm(ctx, { organisation, level: 'basis' });
    },

    add: async (ctx: Context): Promise<void> => {
      const form = await readForm(ctx);
      const values = {
        organisation: form.organisation ?? '',
        name: form.name ?? '',
        redirectUris: form.redirectUris ?? '',
        postLogoutRedirectUris: form.postLogoutRedirectUris ?? '',
        backchannelLogoutUri: (form.backchannelLogoutUri ?? '').trim(),
        level: form.level ?? 'basis',
        federation: (form.federation ?? '').trim(),
        auth: form.auth ?? '',
        jwksUri: (form.jwksUri ?? '').trim(),
        jwks: form.jwks ?? '',
      };
      try {
        const jwks = parsedJwks(values.jwks);
        const registered = await addOidcWebdienst(adminDepsOf(deps, ctx), {
          organisationOin: values.organisation,
          name: values.name,
          redirectUris: lines(values.redirectUris),
          postLogoutRedirectUris: lines(values.postLogoutRedirectUris),
          ...(values.backchannelLogoutUri ? { backchannelLogoutUri: values.backchannelLogoutUri } : {}),
          level: values.level,
          ...(values.federation ? { federation: values.federation } : {}),
          ...(values.auth ? { auth: values.auth } : {}),
          ...(values.jwksUri ? { jwksUri: values.jwksUri } : {}),
          ...(jwks ? { jwks } : {}),
        });
        // The secret is shown here once and never again (only the webdienst keeps it).
        renderConsole(ctx, 'beheer/webdienst-created.njk', {
          webdienst: registered.webdienst,
          clientId: registered.clientId,
          clientSecret: registered.clientSecret,
        });
      } catch (caught) {
        await addForm(ctx, values, formProblemOf(caught, oidcFields), 400);
      }
    },

    show: async (ctx: Context): Promise<void> => {
      await showWebdienst(ctx, await webdienstOf(ctx));
    },

    change: async (ctx: Context): Promise<void> => {
      const webdienst = await webdienstOf(ctx);
      const form = await readForm(ctx);
      const current = valuesOf(webdienst);
      const wanted = {
        name: form.name ?? '',
        level: form.level ?? '',
        federation: (form.federation ?? '').trim(),
        redirectUris: form.redirectUris ?? '',
        postLogoutRedirectUris: form.postLogoutRedirectUris ?? '',
        backchannelLogoutUri: (form.backchannelLogoutUri ?? '').trim(),
        jwksUri: (form.jwksUri ?? '').trim(),
      };
      const differs = (field: keyof typeof wanted) =>
        field.endsWith('Uris')
          ? lines(wanted[field]).join('\n') !== lines(current[field]).join('\n')
          : wanted[field].trim() !== current[field];
      const update: OidcWebdienstUpdate = {
        ...(differs('name') ? { name: wanted.name } : {}),
        ...(differs('level') ? { level: wanted.level } : {}),
        ...(differs('federation') ? { federation: wanted.federation || null } : {}),
      };
      if (webdienst.protocol === 'oidc') {
        if (differs('redirectUris')) update.redirectUris = lines(wanted.redirectUris);
        if (differs('postLogoutRedirectUris')) update.postLogoutRedirectUris = lines(wanted.postLogoutRedirectUris);
        if (differs('backchannelLogoutUri')) update.backchannelLogoutUri = wanted.backchannelLogoutUri;
        if (differs('jwksUri') && wanted.jwksUri) update.jwksUri = wanted.jwksUri;
      }
      const path = webdienstPath(webdienst.id);
      if (Object.keys(update).length === 0) return redirectWithNotice(ctx, path, 'niets_gewijzigd');
      try {
        const admin = adminDepsOf(deps, ctx);
        if (webdienst.protocol === 'oidc') await updateOidcWebdienst(admin, webdienst.clientId, update);
        else await updateWebdienst(admin, webdienst.clientId, update);
        redirectWithNotice(ctx, path, 'gewijzigd');
      } catch (caught) {
        await showWebdienst(ctx, webdienst, { values: wanted, ...formProblemOf(caught, oidcFields) }, 400);
      }
    },

    suspend: async (ctx: Context): Promise<void> => {
      const webdienst = await webdienstOf(ctx);
      const form = await readForm(ctx);
      await setWebdienstSuspended(adminDepsOf(deps, ctx), webdienst.clientId, true, form.reason?.trim() || undefined);
      redirectWithNotice(ctx, webdienstPath(webdienst.id), 'geschorst');
    },

    resume: async (ctx: Context): Promise<void> => {
      const webdienst = await webdienstOf(ctx);
      await readForm(ctx);
      await setWebdienstSuspended(adminDepsOf(deps, ctx), webdienst.clientId, false);
      redirectWithNotice(ctx, webdienstPath(webdienst.id), 'hervat');
    },

    remove: async (ctx: Context): Promise<void> => {
      const webdienst = await webdienstOf(ctx);
      const form = await readForm(ctx);
      if (form.confirm !== 'ja')
        return showWebdienst(
          ctx,
          webdienst,
          { fieldErrors: { confirm: 'beheer.webdienst.remove_confirm_missing' } },
          400,
        );
      await removeWebdienst(adminDepsOf(deps, ctx), webdienst.clientId);
      redirectWithNotice(ctx, webdienstenPath, 'verwijderd');
    },
  };
}
