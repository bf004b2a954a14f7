// The contacts of an organisation on its console page: add one (role, name, e-mail) and remove one.
// Both run through src/admin/organisation-contacts.ts with the operator as actor; its refusals are
// shown at the field they are about.
import type { Context } from 'koa';
import { ValidationError } from '../../core/errors.ts';
import { readForm } from '../../http/form-body.ts';
import { addOrganisationContact, removeOrganisationContact } from '../organisation-contacts.ts';
import { adminDepsOf, formProblemOf } from './admin-actions.ts';
import type { ConsoleDeps } from './deps.ts';
import { redirectWithNotice } from './notices.ts';
import { organisationPages, organisationPath } from './organisation-routes.ts';

const contactFields = ['contactRole', 'contactName', 'contactEmail'];

export function consoleContactHandlers(deps: ConsoleDeps) {
  const { organisationOf, showOrganisation } = organisationPages(deps);

  return {
    add: async (ctx: Context): Promise<void> => {
      const organisation = await organisationOf(ctx);
      const form = await readForm(ctx);
      const contactValues = { role: form.role ?? '', name: form.name ?? '', email: form.email ?? '' };
      try {
        await addOrganisationContact(adminDepsOf(deps, ctx), organisation.oin, contactValues);
        redirectWithNotice(ctx, organisationPath(organisation.oin), 'toegevoegd');
      } catch (caught) {
        await showOrganisation(ctx, organisation, { contactValues, ...formProblemOf(caught, contactFields) }, 400);
      }
    },

    remove: async (ctx: Context): Promise<void> => {
      const organisation = await organisationOf(ctx);
      await readForm(ctx);
      const id = String((ctx.params as Record<string, string | undefined>).contact ?? '');
      try {
        if (!/^[\w-]{1,64}$/.test(id))
          throw new ValidationError('admin.unknown_contact', 'the organisation has no such contact');
        await removeOrganisationContact(adminDepsOf(deps, ctx), organisation.oin, { id });
        redirectWithNotice(ctx, organisationPath(organisation.oin), 'verwijderd');
      } catch (caught) {
        await showOrganisation(ctx, organisation, { ...formProblemOf(caught, contactFields) }, 404);
      }
    },
  };
}
