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
  bsn_legal_basis?: string | null;
  suspended_at?: number | string | null;
}

export interface OrganisationChanges {
  name?: string;
  publicTask?: string;
  bsnEntitled?: boolean;
  bsnLegalBasis?: string | null;
}

export function toOrganisationRow(record: OrganisationRecord): OrganisationRow {
  return {
    id: record.id,
    oin: record.oin,
    name: record.name,
    publicTask: record.public_task,
    bsnEntitled: Boolean(record.bsn_entitled),
    createdAt: Number(record.created_at),
    bsnLegalBasis: record.bsn_legal_basis ?? null,
    suspendedAt: record.suspended_at === null || record.suspended_at === undefined ? null : Number(record.suspended_at),
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
    /** Changes what is given; false when no organisation has this OIN. */
    async updateOrganisation(oin: string, changes: OrganisationChanges): Promise<boolean> {
      const update: Partial<OrganisationRecord> = {};
      if (changes.name !== undefined) update.name = changes.name;
      if (changes.publicTask !== undefined) update.public_task = changes.publicTask;
      if (changes.bsnEntitled !== undefined) update.bsn_entitled = changes.bsnEntitled;
      if (changes.bsnLegalBasis !== undefined) update.bsn_legal_basis = changes.bsnLegalBasis;
      if (Object.keys(update).length === 0) return (await table().where({ oin }).first()) !== undefined;
      return (await table().where({ oin }).update(update)) === 1;
    },
    /** Suspends (a time) or resumes (null); false when no organisation has this OIN. */
    async setOrganisationSuspended(oin: string, at: number | null): Promise<boolean> {
      return (await table().where({ oin }).update({ suspended_at: at })) === 1;
    },
    /** The connected organisations: not Poortwachter itself (built-in.ts). */
    async listOrganisations(): Promise<OrganisationRow[]> {
      return (await table().whereNot({ oin: builtInOrganisationOin }).orderBy('name')).map(toOrganisationRow);
    },
  };
}
export type OrganisationStore = ReturnType<typeof organisationStore>;
