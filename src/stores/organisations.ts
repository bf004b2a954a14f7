import { builtInOrganisationOin } from './built-in.ts';
import type { Database } from './database.ts';
import type { OrganisationRow } from './rows.ts';

interface OrganisationRecord {
  id: string;
  oin: string;
  name: string;
  public_task: string;
  bsn_entitled: boolean | number;
  test_data?: boolean | number;
  created_at: number;
}

export function toOrganisationRow(record: OrganisationRecord): OrganisationRow {
  return {
    id: record.id,
    oin: record.oin,
    name: record.name,
    publicTask: record.public_task,
    bsnEntitled: Boolean(record.bsn_entitled),
    createdAt: Number(record.created_at),
  };
}

export function organisationStore(db: Database) {
  const table = () => db<OrganisationRecord>('organisations');
  return {
    /** testData marks an organisation of the development seed (a production start refuses it). */
    async insertOrganisation(organisation: OrganisationRow, options: { testData?: boolean } = {}): Promise<void> {
      await table().insert({
        id: organisation.id,
        oin: organisation.oin,
        name: organisation.name,
        public_task: organisation.publicTask,
        bsn_entitled: organisation.bsnEntitled,
        test_data: options.testData ?? false,
        created_at: organisation.createdAt,
      });
    },
    async findOrganisationByOin(oin: string): Promise<OrganisationRow | undefined> {
      const record = await table().where({ oin }).first();
      return record && toOrganisationRow(record);
    },
    /** The connected organisations: not Poortwachter itself (built-in.ts). */
    async listOrganisations(): Promise<OrganisationRow[]> {
      return (await table().whereNot({ oin: builtInOrganisationOin }).orderBy('name')).map(toOrganisationRow);
    },
  };
}
export type OrganisationStore = ReturnType<typeof organisationStore>;
