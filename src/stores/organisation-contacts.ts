// The contacts of connected organisations: who is mailed about certificates, maintenance and disruptions.
import type { Database } from './database.ts';

export type ContactRole = 'technical' | 'security' | 'administrative';

export interface OrganisationContactRow {
  id: string;
  organisationId: string;
  role: ContactRole;
  name: string;
  email: string;
  createdAt: number;
}

interface OrganisationContactRecord {
  id: string;
  organisation_id: string;
  role: string;
  name: string;
  email: string;
  created_at: number;
}

const toRow = (record: OrganisationContactRecord): OrganisationContactRow => ({
  id: record.id,
  organisationId: record.organisation_id,
  role: record.role as ContactRole,
  name: record.name,
  email: record.email,
  createdAt: Number(record.created_at),
});

export function organisationContactStore(db: Database) {
  const table = () => db<OrganisationContactRecord>('organisation_contacts');
  return {
    /** False when the organisation already has this e-mail address in this role. */
    async insertOrganisationContact(contact: OrganisationContactRow): Promise<boolean> {
      const inserted: Array<{ id: string }> = await table()
        .insert({
          id: contact.id,
          organisation_id: contact.organisationId,
          role: contact.role,
          name: contact.name,
          email: contact.email,
          created_at: contact.createdAt,
        })
        .onConflict(['organisation_id', 'role', 'email'])
        .ignore()
        .returning('id');
      return inserted.length === 1 && inserted[0]!.id === contact.id;
    },
    /** An organisation's contacts, by role then name; of one role when given. */
    async listOrganisationContacts(organisationId: string, role?: ContactRole): Promise<OrganisationContactRow[]> {
      const query = table()
        .where({ organisation_id: organisationId })
        .orderBy([{ column: 'role' }, { column: 'name' }, { column: 'email' }]);
      if (role) query.andWhere({ role });
      return (await query).map(toRow);
    },
    /** Every contact of every organisation that is not suspended (the notices of maintenance and disruptions). */
    async listContactsOfActiveOrganisations(): Promise<OrganisationContactRow[]> {
      const records = (await db('organisation_contacts as c')
        .join('organisations as o', 'o.id', 'c.organisation_id')
        .whereNull('o.suspended_at')
        .select('c.*')
        .orderBy([{ column: 'c.organisation_id' }, { column: 'c.id' }])) as OrganisationContactRecord[];
      return records.map(toRow);
    },
    /** Removes the contacts matched (by id, or by e-mail address and optionally role); the rows removed. */
    async deleteOrganisationContacts(
      organisationId: string,
      match: { id: string } | { email: string; role?: ContactRole },
    ): Promise<OrganisationContactRow[]> {
      const query = () => {
        const picked = table().where({ organisation_id: organisationId });
        if ('id' in match) return picked.andWhere({ id: match.id });
        picked.andWhere({ email: match.email });
        return match.role ? picked.andWhere({ role: match.role }) : picked;
      };
      const rows = (await query().select('*')).map(toRow);
      if (rows.length)
        await table()
          .whereIn(
            'id',
            rows.map((row) => row.id),
          )
          .delete();
      return rows;
    },
  };
}
