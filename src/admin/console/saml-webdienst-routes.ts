// Adding a SAML webdienst in the console: its SP metadata pasted as XML or fetched from an https URL
// (never a file path: the console reads nothing from the server's disk), then registered through
// src/admin/saml-webdiensten.ts, which checks the metadata and its certificates.
import type { Context } from 'koa';
import { ValidationError } from '../../core/errors.ts';
import { readForm } from '../../http/form-body.ts';
import { addSamlWebdienst } from '../saml-webdiensten.ts';
import { adminDepsOf, formProblemOf } from './admin-actions.ts';
import type { ConsoleDeps } from './deps.ts';
import { redirectWithNotice } from './notices.ts';
import { renderConsole } from './page.ts';
import { webdienstPath } from './webdienst-routes.ts';

// SAML metadata may be up to 256 KiB (saml-webdiensten.ts); the form around it a little more.
const maxFormBytes = 300 * 1024;
const samlFields = ['organisation', 'name', 'level', 'federation', 'metadataUrl', 'metadataXml', 'responseBinding'];

const metadataCodes: Record<string, string> = {
  'admin.invalid_saml_metadata': 'metadataXml',
  'admin.missing_metadata': 'metadataXml',
  'admin.metadata_unreachable': 'metadataUrl',
  'admin.certificate_refused': 'metadataXml',
  'admin.client_id_taken': 'metadataXml',
  'admin.invalid_response_binding': 'responseBinding',
};

export function consoleSamlWebdienstHandlers(deps: ConsoleDeps) {
  const production = deps.config.environment === 'production';

  async function form(ctx: Context, values: Record<string, unknown>, problem = {}, status = 200) {
    const organisations = (await deps.store.listOrganisations()).filter((organisation) => !organisation.suspendedAt);
    renderConsole(ctx, 'beheer/webdienst-new-saml.njk', { organisations, values, production, ...problem }, status);
  }

  return {
    form: async (ctx: Context): Promise<void> => {
      const organisation = typeof ctx.query.organisatie === 'string' ? ctx.query.organisatie : '';
      await form(ctx, { organisation, level: 'basis', responseBinding: 'artifact' });
    },

    add: async (ctx: Context): Promise<void> => {
      const posted = await readForm(ctx, maxFormBytes);
      const values = {
        organisation: posted.organisation ?? '',
        name: posted.name ?? '',
        level: posted.level ?? 'basis',
        federation: (posted.federation ?? '').trim(),
        metadataUrl: (posted.metadataUrl ?? '').trim(),
        metadataXml: posted.metadataXml ?? '',
        responseBinding: posted.responseBinding ?? 'artifact',
        allowSelfSigned: posted.allowSelfSigned === 'ja',
      };
      try {
        if (values.metadataUrl && !/^https?:\/\//i.test(values.metadataUrl))
          throw new ValidationError('admin.invalid_uri', `--metadata is not an absolute URL: ${values.metadataUrl}`);
        const registered = await addSamlWebdienst(adminDepsOf(deps, ctx), {
          organisationOin: values.organisation,
          name: values.name,
          level: values.level,
          ...(values.federation ? { federation: values.federation } : {}),
          ...(values.metadataXml.trim()
            ? { metadataXml: values.metadataXml }
            : values.metadataUrl
              ? { metadata: values.metadataUrl }
              : {}),
          responseBinding: values.responseBinding,
          ...(values.allowSelfSigned ? { allowSelfSigned: true } : {}),
        });
        redirectWithNotice(ctx, webdienstPath(registered.webdienst.id), 'toegevoegd');
      } catch (caught) {
        const field = caught instanceof ValidationError ? metadataCodes[caught.code] : undefined;
        const problem = field
          ? { fieldErrors: { [field]: formProblemOf(caught, []).error! } }
          : formProblemOf(caught, [...samlFields, 'metadataUrl']);
        await form(ctx, values, problem, 400);
      }
    },
  };
}
