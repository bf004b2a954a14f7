// knex on Node's built-in sqlite (node:sqlite, Node 22.13+): synchronous prepared statements on the
// main thread instead of node-sqlite3's thread hop per query. The bench showed node-sqlite3 at
// 150-340 us of CPU per query plus worker-thread time; node:sqlite does the same in tens of us,
// and needs no native add-on to compile. We reuse knex's better-sqlite3 dialect, whose driver
// contract (prepare -> all/run) node:sqlite nearly matches; this file adapts the rest.
import { createRequire } from 'node:module';
import type { Knex } from 'knex';

const require = createRequire(import.meta.url);

// node:sqlite announces itself as experimental once per process; that notice is not for operators.
function loadNodeSqlite(): typeof import('node:sqlite') {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be put back as it was, and called with process as this
  const emitWarning = process.emitWarning;
  process.emitWarning = (warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes('SQLite is an experimental feature')) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  };
  try {
    return require('node:sqlite') as typeof import('node:sqlite');
  } finally {
    process.emitWarning = emitWarning;
  }
}

type Binding = null | number | bigint | string | Uint8Array;
type RunResult = { changes: number | bigint; lastInsertRowid: number | bigint };

class Statement {
  readonly reader: boolean;
  constructor(private readonly statement: import('node:sqlite').StatementSync) {
    this.reader = statement.columns().length > 0;
  }
  safeIntegers(): void {}
  all(bindings: Binding[]): unknown[] {
    return this.statement.all(...bindings);
  }
  run(bindings: Binding[]): RunResult {
    return this.statement.run(...bindings);
  }
}

// SQLite compiles a statement again on every run whose LIMIT is a bound parameter (binding it
// expires the statement, since the value may change the plan), and knex writes `.first()` as
// `limit ?`: every lookup by key paid a full SQL compile, 2-3x the cost of the lookup itself. An
// integer limit is written into the SQL instead, one cached statement per limit value.
const boundLimit = /\slimit \?(\soffset \?)?$/i;

class InlinedLimitStatement {
  readonly reader: boolean;
  /** Position of the limit among the bindings, counted from the end (an offset may follow it). */
  private readonly limitFromEnd: number;
  constructor(
    private readonly connection: Connection,
    private readonly sql: string,
  ) {
    this.reader = connection.prepareExactly(sql).reader;
    this.limitFromEnd = boundLimit.exec(sql)![1] ? 2 : 1;
  }
  safeIntegers(): void {}
  all(bindings: Binding[]): unknown[] {
    const [statement, rest] = this.inline(bindings);
    return statement.all(rest);
  }
  run(bindings: Binding[]): RunResult {
    const [statement, rest] = this.inline(bindings);
    return statement.run(rest);
  }
  private inline(bindings: Binding[]): [Statement, Binding[]] {
    const index = bindings.length - this.limitFromEnd;
    const limit = bindings[index];
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit))
      return [this.connection.prepareExactly(this.sql), bindings];
    const sql = this.sql.replace(boundLimit, (_match, offset: string | undefined) => ` limit ${limit}${offset ?? ''}`);
    return [this.connection.prepareExactly(sql), bindings.filter((_binding, at) => at !== index)];
  }
}

// SQLite re-prepares a statement after a schema change but keeps the columns its `select *` had, so
// a migration run by this connection (an added column) empties the statement cache.
const schemaChange = /^\s*(create|alter|drop)\s+table\b/i;

/** The slice of better-sqlite3's Database that knex's dialect uses. */
class Connection {
  private readonly db: import('node:sqlite').DatabaseSync;
  private readonly statements = new Map<string, Statement | InlinedLimitStatement>();
  constructor(filename: string) {
    const { DatabaseSync } = loadNodeSqlite();
    this.db = new DatabaseSync(filename);
  }
  prepare(sql: string): Statement | InlinedLimitStatement {
    return this.cached(sql, sql, () =>
      boundLimit.test(sql) ? new InlinedLimitStatement(this, sql) : new Statement(this.db.prepare(sql)),
    );
  }
  /** The statement for exactly this SQL, limit parameter and all. */
  prepareExactly(sql: string): Statement {
    return this.cached(`exactly:${sql}`, sql, () => new Statement(this.db.prepare(sql))) as Statement;
  }
  private cached(
    key: string,
    sql: string,
    create: () => Statement | InlinedLimitStatement,
  ): Statement | InlinedLimitStatement {
    let statement = this.statements.get(key);
    if (!statement) {
      if (schemaChange.test(sql)) this.statements.clear();
      statement = create();
      // Our queries have a small, fixed set of shapes; DDL and rare queries are not worth keeping.
      if (this.statements.size < 500 && !/^\s*(create|alter|drop|pragma)\b/i.test(sql))
        this.statements.set(key, statement);
    }
    return statement;
  }
  exec(sql: string): void {
    if (schemaChange.test(sql)) this.statements.clear();
    this.db.exec(sql);
  }
  defaultSafeIntegers(): void {}
  close(): void {
    this.statements.clear();
    this.db.close();
  }
}

const BetterSqliteDialect = require('knex/lib/dialects/better-sqlite3/index.js') as new (
  config: Knex.Config,
) => Knex.Client;

const sqliteBusy = 5; // SQLITE_BUSY: another connection (another process) holds the write lock
const busyWaitMs = 5000;
const quickRetries = 20;

type QueryObject = { sql: string; bindings: unknown[] };

export class NodeSqliteClient extends (BetterSqliteDialect as unknown as new (
  config: Knex.Config,
) => Knex.Client & { driverName: string; _query(connection: unknown, obj: QueryObject): Promise<unknown> }) {
  override driverName = 'node:sqlite';
  _driver(): unknown {
    return Connection;
  }

  // node:sqlite runs on the main thread, so sqlite's own busy handler would sleep there and stop every
  // other request of this process while another process writes (serve --workers, a second process).
  // Connections therefore wait 0 ms inside sqlite (database.ts) and a locked database is waited for
  // here, for at most as long as sqlite's busy timeout used to wait. Another process holds the write
  // lock for one statement (tens of microseconds: no transaction spans an await on the hot path), so
  // the first retries only let this event loop turn; timers (1 ms and more) come after. Sleeping 1 ms
  // at once stalled all of this process's queries behind its one connection: with two workers under
  // SSO load that left a tenth of the machine idle.
  override async _query(connection: unknown, obj: QueryObject): Promise<unknown> {
    const deadline = Date.now() + busyWaitMs;
    for (let attempt = 1, pause = 1; ; attempt += 1) {
      try {
        return await super._query(connection, obj);
      } catch (error) {
        if ((error as { errcode?: number }).errcode !== sqliteBusy || Date.now() + pause > deadline) throw error;
        if (attempt <= quickRetries) {
          await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(pause * 2, 25);
      }
    }
  }
}
