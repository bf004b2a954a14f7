// The store calls that every login makes (oidc-provider state, login attempts, citizens, throttles)
// run often enough for knex's per-query machinery to show: building and compiling the query, then
// the runner (connection bookkeeping, events, response processing) took about 40 µs of CPU per query
// on sqlite, where the statement itself takes 5-25 µs. A compiled query lets knex write the SQL once
// per shape, for the dialect at hand, and then runs it through knex's own dialect driver with fresh
// values, on a connection from knex's pool (or the transaction's own), so PostgreSQL works the same.
// Rarely used queries stay plain knex: this is for the hot path only.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Database } from './database.ts';
import { isPostgres } from './dialect.ts';

/** The part of a knex dialect client used here: its pool and its driver call (knex-internal, stable since 0.x). */
interface DialectClient {
  acquireConnection(): Promise<unknown>;
  emit(event: 'query', query: { sql: string; method: string }): boolean;
  releaseConnection(connection: unknown): Promise<unknown>;
  _query(
    connection: unknown,
    query: { sql: string; bindings: unknown[]; options?: { name: string } },
  ): Promise<DriverResult>;
}

/** sqlite (better-sqlite3 dialect): rows, or a run result with context.changes; pg: a pg Result. */
interface DriverResult {
  response: unknown[] | { rows?: unknown[]; rowCount?: number | null };
  context?: { changes?: number | bigint };
}

type Params = object;

/** PostgreSQL refuses to run a prepared statement whose result columns changed since it was prepared. */
const isChangedResultType = (error: unknown): boolean =>
  (error as { code?: string }).code === '0A000' &&
  /cached plan must not change result type/.test(String((error as Error).message));
let generation = 0;

/** Stands in for a parameter while knex compiles; no real value looks like it. */
const placeholderPrefix = '\u0000param:';

interface Compiled {
  sql: string;
  /** knex's name for what it does (select, first, insert, update, del): for the statement counter. */
  method: string;
  /** PostgreSQL: the name of the server-side prepared statement (pg prepares it once per connection). */
  options?: { name: string };
  /** Per binding: the parameter name to take from the call, or a constant knex put there (a limit). */
  bindings: Array<{ param: string } | { constant: unknown }>;
}

export interface CompiledQuery<P extends Params> {
  rows<T>(params: P): Promise<T[]>;
  first<T>(params: P): Promise<T | undefined>;
  /** Rows inserted, updated or deleted. */
  changes(params: P): Promise<number>;
}

/**
 * build gets `param(name)` for every value that changes from call to call and returns the knex query;
 * it runs once, at the first call.
 */
export function compiledQuery<P extends Params>(
  db: Database,
  build: (param: (name: keyof P & string) => never) => Knex.QueryBuilder,
): CompiledQuery<P> {
  let compiled: Compiled | undefined;
  const client = db.client as unknown as DialectClient;
  const postgres = isPostgres(db);

  function compile(): Compiled {
    const placeholder = ((name: string) => `${placeholderPrefix}${name}`) as unknown as (
      name: keyof P & string,
    ) => never;
    const query = build(placeholder).toSQL();
    const native = query.toNative();
    return {
      sql: native.sql,
      method: query.method,
      ...(postgres
        ? { options: { name: `pw_${createHash('sha256').update(native.sql).digest('hex').slice(0, 24)}` } }
        : {}),
      bindings: native.bindings.map((binding) =>
        typeof binding === 'string' && binding.startsWith(placeholderPrefix)
          ? { param: binding.slice(placeholderPrefix.length) }
          : { constant: binding },
      ),
    };
  }

  async function run(params: P): Promise<DriverResult> {
    compiled ??= compile();
    const bindings = compiled.bindings.map((binding) => {
      if ('constant' in binding) return binding.constant;
      const value = (params as Record<string, unknown>)[binding.param];
      // knex refuses undefined bindings too; a missing value is a bug, never "match anything".
      if (value === undefined) throw new Error(`compiled query: no value for ${binding.param} in ${compiled!.sql}`);
      return value;
    });
    const connection = await client.acquireConnection();
    // knex's runner would announce the statement; this shortcut does too (statement-counter.ts counts them).
    client.emit('query', { sql: compiled.sql, method: compiled.method });
    try {
      return await client._query(connection, { sql: compiled.sql, bindings, options: compiled.options });
    } catch (error) {
      if (!compiled.options || !isChangedResultType(error)) throw error;
      // A migration changed a table under a statement this connection prepared (a rolling upgrade): a
      // new name makes pg prepare it again, with the table as it is now.
      generation += 1;
      compiled.options = { name: `${compiled.options.name.split('#')[0]}#${generation}` };
      return await client._query(connection, { sql: compiled.sql, bindings, options: compiled.options });
    } finally {
      await client.releaseConnection(connection);
    }
  }

  const rowsOf = (result: DriverResult): unknown[] =>
    Array.isArray(result.response) ? result.response : (result.response.rows ?? []);

  return {
    async rows<T>(params: P) {
      return rowsOf(await run(params)) as T[];
    },
    async first<T>(params: P) {
      return rowsOf(await run(params))[0] as T | undefined;
    },
    async changes(params: P) {
      const result = await run(params);
      return Number(result.context?.changes ?? (Array.isArray(result.response) ? 0 : (result.response.rowCount ?? 0)));
    },
  };
}
