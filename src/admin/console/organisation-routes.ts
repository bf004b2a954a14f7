// The console's organisation pages: list, add, change (name, public task, BSN entitlement with its
// legal basis), suspend and resume. The changes run through src/admin (organisations.ts,
// organisation-changes.ts) with the operator as actor.
import type { Context } from 'koa';
import { NotFoundError } from '../../core/errors.ts';
import { readForm } from '../../http/form-body.ts';
import { renderConsole } from './page.ts';
import { builtInOrganisationOin, type OrganisationRow } from '../../stores/index.ts';
import { setOrganisationSuspended, updateOrganisation, type OrganisationUpdate } from '../organisation-changes.ts';
import { addOrganisation } from '../organisations.ts';
import { contactRoles } from '../organisation-contacts.ts';
import { adminDepsOf, formProblemOf } from './admin-actions.ts';
import type { ConsoleDeps } from './deps.ts';
import { noticeOf, redirectWithNotice } from './notices.ts';
import { consolePath } from './session-cookie.ts';

export const organisationsPath = `${consolePath}/organisaties`;
const organisationFields = ['name', 'oin', 'publicTask', 'bsnLegalBasis'];

export function organisationPath(oin: string): string {
  return `${organisationsPath}/${encodeURIComponent(oin)}`;
}

/** Finding an organisation from the path, and showing its page: shared by its own and its contacts' forms. */
export function organisationPages(deps: ConsoleDeps) {
  async function organisationOf(ctx: Context): Promise<OrganisationRow> {
    const oin = String((ctx.params as Record<string, string | undefined>).oin ?? '');
    // Poortwachter's own organisation (its account pages) is not a connected one.
    const organisation =
      /^\d{20}$/.test(oin) && oin !== builtInOrganisationOin ? await deps.store.findOrganisationByOin(oin) : undefined;
    if (!organisation) throw new NotFoundError('error.not_found', `console: no organisation ${oin.slice(0, 40)}`);
    return organisation;
  }

  async function showOrganisation(
    ctx: Context,
    organisation: OrganisationRow,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const webdiensten = (await deps.store.listWebdiensten()).filter(
      (webdienst) => webdienst.organisationId === organisation.id,
    );
    const contacts = await deps.store.listOrganisationContacts(organisation.id);
    renderConsole(
      ctx,
      'beheer/organisation.njk',
      { organisation, webdiensten, contacts, contactRoles, notice: noticeOf(ctx), ...extra },
      status,
    );
  }

  return { organisationOf, showOrganisation };
}

export function consoleOrganisationHandlers(deps: ConsoleDeps) {
  const { organisationOf, showOrganisation } = organisationPages(deps);

  return {
    list: async (ctx: Context): Promise<void> => {
      renderConsole(ctx, 'beheer/organisations.njk', {
        organisations: await deps.store.listOrganisations(),
        notice: noticeOf(ctx),
      });
    },

    addForm: (ctx: Context): void => {
      renderConsole(ctx, 'beheer/organisation-new.njk', { values: {} });
    },

    add: async (ctx: Context): Promise<void> => {
      const form = await readForm(ctx);
      const values = {
        name: form.name ?? '',
        oin: (form.oin ?? '').trim(),
        publicTask: form.publicTask ?? '',
        bsnEntitled: form.bsnEntitled === 'ja',
        bsnLegalBasis: form.bsnLegalBasis ?? '',
      };
      const admin = adminDepsOf(deps, ctx);
      try {
        const organisation = await addOrganisation(admin, values);
        if (values.bsnLegalBasis.trim())
          await updateOrganisation(admin, organisation.oin, { bsnLegalBasis: values.bsnLegalBasis });
        redirectWithNotice(ctx, organisationPath(organisation.oin), 'toegevoegd');
      } catch (caught) {
        renderConsole(
          ctx,
          'beheer/organisation-new.njk',
          { values, ...formProblemOf(caught, organisationFields) },
          400,
        );
      }
    },

    show: async (ctx: Context): Promise<void> => {
      await showOrganisation(ctx, await organisationOf(ctx));
    },

    change: async (ctx: Context): Promise<void> => {
      const organisation = await organisationOf(ctx);
      const form = await readForm(ctx);
      const wanted = {
        name: form.name ?? '',
        publicTask: form.publicTask ?? '',
        bsnEntitled: form.bsnEntitled === 'ja',
        bsnLegalBasis: form.bsnLegalBasis ?? '',
      };
      // Only what differs is a change (the audit event names what changed).
      const update: OrganisationUpdate = {
        ...(wanted.name.trim() !== organisation.name ? { name: wanted.name } : {}),
        ...(wanted.publicTask.trim() !== organisation.publicTask ? { publicTask: wanted.publicTask } : {}),
        ...(wanted.bsnEntitled !== organisation.bsnEntitled ? { bsnEntitled: wanted.bsnEntitled } : {}),
        ...(wanted.bsnLegalBasis.trim() !== (organisation.bsnLegalBasis ?? '')
          ? { bsnLegalBasis: wanted.bsnLegalBasis }
          : {}),
      };
      if (Object.keys(update).length === 0)
        return redirectWithNotice(ctx, organisationPath(organisation.oin), 'niets_gewijzigd');
      try {
        await updateOrganisation(adminDepsOf(deps, ctx), organisation.oin, update);
        redirectWithNotice(ctx, organisationPath(organisation.oin), 'gewijzigd');
      } catch (caught) {
        await showOrganisation(
          ctx,
          organisation,
          { values: wanted, ...formProblemOf(caught, organisationFields) },
          400,
        );
      }
    },

    suspend: async (ctx: Context): Promise<void> => {
      const organisation = await organisationOf(ctx);
      const form = await readForm(ctx);
      await setOrganisationSuspended(adminDepsOf(deps, ctx), organisation.oin, true, form.reason?.trim() || undefined);
      redirectWithNotice(ctx, organisationPath(organisation.oin), 'geschorst');
    },

    resume: async (ctx: Context): Promise<void> => {
      const organisation = await organisationOf(ctx);
      await readForm(ctx);
      await setOrganisationSuspended(adminDepsOf(deps, ctx), organisation.oin, false);
      redirectWithNotice(ctx, organisationPath(organisation.oin), 'hervat');
    },
  };
}
