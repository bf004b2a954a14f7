// Which database a knex instance talks to. knex types its client as any; the client's config is the
// one openDatabase passed: `client: 'pg'`, or the node:sqlite client class.
import type { Knex } from 'knex';

export function isPostgres(db: Knex): boolean {
  return (db.client as Knex.Client).config.client === 'pg';
}
