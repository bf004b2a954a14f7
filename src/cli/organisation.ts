// `poortwachter organisation ...`: the organisations whose webdiensten connect (DESIGN.md section 7).
import { addOrganisation } from '../admin/organisations.ts';
import { required, services, type Commands } from './command.ts';

export const organisationUsage = `  organisation add --name NAME --oin OIN [--public-task TEXT] [--bsn-entitled]`;

export const organisationCommands: Commands = {
  'organisation add': {
    options: {
      name: { type: 'string' },
      oin: { type: 'string' },
      'public-task': { type: 'string' },
      'bsn-entitled': { type: 'boolean' },
    },
    run: async ({ config, store, options }) => {
      const { adminDeps } = services(config, store);
      const organisation = await addOrganisation(adminDeps, {
        name: required(options, 'name'),
        oin: required(options, 'oin'),
        publicTask: options['public-task'] as string | undefined,
        bsnEntitled: options['bsn-entitled'] === true,
      });
      return { oin: organisation.oin, name: organisation.name, bsn_entitled: organisation.bsnEntitled };
    },
  },
};
