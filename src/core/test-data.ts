// Production holds no test citizens and no demo webdienst. The development seed
// marks every row it writes (test_data); a production start finds them and refuses, naming each one.
import type { Environment } from '../../config/index.ts';
import type { Store, TestDataRows } from '../stores/index.ts';
import { PoortwachterError } from './errors.ts';

const shown = 20;

function describe(rows: TestDataRows): string[] {
  const lines: string[] = [];
  const more = (count: number): string => (count >= shown ? ', ...' : '');
  if (rows.webdiensten.length)
    lines.push(
      `webdiensten (client_id): ${rows.webdiensten.map((row) => `${row.clientId} "${row.name}"`).join(', ')}${more(rows.webdiensten.length)}`,
    );
  if (rows.organisations.length)
    lines.push(
      `organisations (OIN): ${rows.organisations.map((row) => `${row.oin} "${row.name}"`).join(', ')}${more(rows.organisations.length)}`,
    );
  if (rows.citizens.length)
    lines.push(
      `citizens (username): ${rows.citizens.map((row) => row.username).join(', ')}${more(rows.citizens.length)}`,
    );
  return lines;
}

/** Throws in production while the database holds rows of the development seed. */
export async function refuseTestDataInProduction(
  store: Pick<Store, 'listTestData'>,
  environment: Environment,
): Promise<void> {
  if (environment !== 'production') return;
  const lines = describe(await store.listTestData(shown));
  if (lines.length === 0) return;
  throw new PoortwachterError('startup.test_data_in_production', {
    status: 500,
    expose: false,
    logMessage:
      'Refusing to start in production: the database holds test data written by the development seed ' +
      `(rows marked test_data):\n  ${lines.join('\n  ')}\n` +
      'Remove them (webdiensten first, then organisations and citizens: ' +
      '"delete from webdiensten where test_data; delete from organisations where test_data; ' +
      'delete from citizens where test_data;"), or point DATABASE_URL at the production database.',
  });
}
