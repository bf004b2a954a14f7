import type { Database } from './database.ts';
import { toOrganisationRow } from './organisations.ts';
import type { WebdienstProtocol, WebdienstRow, WebdienstWithOrganisation } from './rows.ts';

interface WebdienstRecord {
  id: string;
  organisation_id: string;
  name: string;
  protocol: WebdienstProtocol;
  client_id: string;
  minimum_level: string;
  federation: string | null;
  protocol_metadata: string;
  created_at: number;
}

const joinedColumns = [
  'w.*',
  'o.oin as o_oin',
  'o.name as o_name',
  'o.public_task as o_public_task',
  'o.bsn_entitled as o_bsn_entitled',
  'o.created_at as o_created_at',
];

type JoinedRecord = WebdienstRecord & { o_oin: string; o_name: string; o_public_task: string; o_bsn_entitled: boolean | number; o_created_at: number };

function toRow(record: JoinedRecord): WebdienstWithOrganisation {
  return {
    id: record.id,
    organisationId: record.organisation_id,
    name: record.name,
    protocol: record.protocol,
    clientId: record.client_id,
    minimumLevel: record.minimum_level,
    federation: record.federation,
    protocolMetadata: JSON.parse(record.protocol_metadata) as Record<string, unknown>,
    createdAt: Number(record.created_at),
    organisation: toOrganisationRow({
      id: record.organisation_id,
      oin: record.o_oin,
      name: record.o_name,
      public_task: record.o_public_task,
      bsn_entitled: record.o_bsn_entitled,
      created_at: record.o_created_at,
    }),
  };
}

export function webdienstStore(db: Database) {
  const joined = () => db('webdiensten as w').join('organisations as o', 'o.id', 'w.organisation_id').select(joinedColumns);
  return {
    async insertWebdienst(webdienst: WebdienstRow): Promise<void> {
      await db<WebdienstRecord>('webdiensten').insert({
        id: webdienst.id,
        organisation_id: webdienst.organisationId,
        name: webdienst.name,
        protocol: webdienst.protocol,
        client_id: webdienst.clientId,
        minimum_level: webdienst.minimumLevel,
        federation: webdienst.federation,
        protocol_metadata: JSON.stringify(webdienst.protocolMetadata),
        created_at: webdienst.createdAt,
      });
    },
    async findWebdienstByClientId(clientId: string): Promise<WebdienstWithOrganisation | undefined> {
      const record = (await joined().where('w.client_id', clientId).first()) as JoinedRecord | undefined;
      return record && toRow(record);
    },
    async findWebdienstById(id: string): Promise<WebdienstWithOrganisation | undefined> {
      const record = (await joined().where('w.id', id).first()) as JoinedRecord | undefined;
      return record && toRow(record);
    },
    async listWebdiensten(): Promise<WebdienstWithOrganisation[]> {
      return ((await joined().orderBy(['o.name', 'w.name'])) as JoinedRecord[]).map(toRow);
    },
  };
}
export type WebdienstStore = ReturnType<typeof webdienstStore>;
