// Counts the SQL statements a store sends, by kind, from knex's 'query' event (which also fires for
// statements inside transactions, BEGIN and COMMIT included): the bench divides them by the flows it
// ran, and /metrics exposes them as a counter, so the database cost of a login is a number.
import type { Knex } from 'knex';

export const statementKinds = ['select', 'insert', 'update', 'delete', 'transaction', 'other'] as const;
export type StatementKind = (typeof statementKinds)[number];
export type StatementCounts = Record<StatementKind, number>;

const leadingWord = /^\s*\(?\s*([a-z]+)/i;

/** The kind of one statement: by knex's method when it built the query, by its SQL when it is raw. */
export function statementKind(query: { method?: string; sql?: string }): StatementKind {
  switch (query.method) {
    case 'select':
    case 'first':
    case 'pluck':
      return 'select';
    case 'insert':
      return 'insert';
    case 'update':
      return 'update';
    case 'del':
      return 'delete';
  }
  const sql = query.sql ?? '';
  const word = leadingWord.exec(sql)?.[1]?.toLowerCase();
  if (word === 'begin' || word === 'commit' || word === 'rollback' || word === 'savepoint' || word === 'release')
    return 'transaction';
  if (word === 'with') {
    // A common table expression: the statement is what it finally does, outside the parentheses.
    return mainStatement(sql);
  }
  if (word === 'select' || word === 'insert' || word === 'update' || word === 'delete') return word;
  return 'other';
}

function mainStatement(sql: string): StatementKind {
  let depth = 0;
  let outside = '';
  for (const char of sql) {
    if (char === '(') depth += 1;
    else if (char === ')') depth -= 1;
    else if (depth === 0) outside += char;
  }
  const word = /\b(select|insert|update|delete)\b/i.exec(outside)?.[1]?.toLowerCase();
  return (word as StatementKind | undefined) ?? 'other';
}

export function countStatements(db: Knex): () => StatementCounts {
  const counts = Object.fromEntries(statementKinds.map((kind) => [kind, 0])) as StatementCounts;
  db.on('query', (query: { method?: string; sql?: string }) => {
    counts[statementKind(query)] += 1;
  });
  return () => ({ ...counts });
}

/** Calls listener with the SQL of every statement until the returned function is called (bench tracing). */
export function watchStatements(
  db: Knex,
  listener: (sql: string, kind: StatementKind, bindings: readonly unknown[]) => void,
): () => void {
  const onQuery = (query: { method?: string; sql?: string; bindings?: unknown[] }) =>
    listener(query.sql ?? '', statementKind(query), query.bindings ?? []);
  db.on('query', onQuery);
  return () => void db.off('query', onQuery);
}
