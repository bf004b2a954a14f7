// `poortwachter outbox letters`, `outbox letter-pdf` and `letters batch` on the command line.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runCli } from '../../support/cli.ts';
import { createBatchLetterGateway } from '../../../src/gateways/letters/index.ts';
import { openStore } from '../../../src/stores/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { pdfText } from '../../support/pdf-text.ts';
import { productionEnv } from '../../support/production-env.ts';
import { sampleLetter } from './fixtures.ts';

const poortwachter = runCli;

describe('poortwachter outbox letters / letters batch', () => {
  let database: TestDatabase;
  let directory: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    database = await createTestDatabase('sqlite');
    directory = await mkdtemp(join(tmpdir(), 'pw-letters-cli-'));
    env = { POORTWACHTER_ENV: 'development', DATABASE_URL: database.url };
    const store = openStore(database.url);
    await store.migrate();
    for (const [index, letter] of [
      sampleLetter({ id: 'L-old' }),
      sampleLetter({
        id: 'L-new',
        code: 'TTTT-WWWW-XXXX',
        recipient: { name: 'K. Bakker', addressLines: ['Stationsweg 101', '9711 AA  GRONINGEN'] },
      }),
    ].entries())
      await store.insertOutboxLetter({
        id: letter.id,
        kind: letter.kind,
        recipientName: letter.recipient.name,
        addressLines: letter.recipient.addressLines,
        code: letter.code,
        expiresAt: letter.expiresAt,
        useAt: letter.useAt,
        createdAt: Date.UTC(2026, 11, 3, 9, index),
      });
    await store.close();
  });
  after(async () => {
    await database.drop();
    await rm(directory, { recursive: true, force: true });
  });

  it('lists the letters, newest first, with the code, as JSON, and filters on part of the address', async () => {
    const all = await poortwachter(['outbox', 'letters', '--json'], env);
    expect(all.code, all.stderr).to.equal(0);
    const letters = JSON.parse(all.stdout) as Array<Record<string, string>>;
    expect(letters.map((letter) => letter.id)).to.deep.equal(['L-new', 'L-old']);
    expect(letters[0]).to.include({
      kind: 'activation',
      name: 'K. Bakker',
      code: 'TTTT-WWWW-XXXX',
      address: 'Stationsweg 101, 9711 AA  GRONINGEN',
    });
    const filtered = await poortwachter(['outbox', 'letters', '--to', '2511 AB', '--json'], env);
    expect((JSON.parse(filtered.stdout) as Array<{ id: string }>).map((letter) => letter.id)).to.deep.equal(['L-old']);
    const text = await poortwachter(['outbox', 'letters', '--limit', '1'], env);
    expect(text.stdout).to.match(/^id=L-new {2}kind=activation/);
  });

  it('writes a letter as PDF', async () => {
    const file = join(directory, 'letter.pdf');
    const result = await poortwachter(['outbox', 'letter-pdf', 'L-new', '--out', file, '--json'], env);
    expect(result.code, result.stderr).to.equal(0);
    const { text } = await pdfText(await readFile(file));
    expect(text).to.include('TTTT-WWWW-XXXX').and.include('Stationsweg 101');
    const missing = await poortwachter(['outbox', 'letter-pdf', 'L-none', '--out', file], env);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.include('no letter L-none in the outbox');
  });

  it('refuses the letter outbox in production, before the database is opened', async () => {
    const production = { ...productionEnv(), DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:9/none' };
    const result = await poortwachter(['outbox', 'letters'], production);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include('outbox letters is refused in production');
  });

  it('letters batch moves the pending PDFs into a batch folder with a manifest, and audits it', async () => {
    const batchEnv = { ...env, LETTERS_GATEWAY: 'batch', LETTERS_BATCH_DIRECTORY: directory };
    await createBatchLetterGateway(directory).send(sampleLetter({ id: 'L-batch' }));
    const result = await poortwachter(['letters', 'batch', '--json'], batchEnv);
    expect(result.code, result.stderr).to.equal(0);
    const output = JSON.parse(result.stdout) as { folder: string; letters: number };
    expect(output.letters).to.equal(1);
    expect((await readdir(output.folder)).sort())
      .to.have.length(2)
      .and.include('manifest.json');
    const store = openStore(database.url);
    const events = await store.listAuditEvents({ type: 'letters.batch_written' });
    await store.close();
    expect(events.map((event) => event.details)).to.deep.equal([
      { batch: output.folder.split('/').pop(), count: 1, actor: 'cli' },
    ]);
    const without = await poortwachter(['letters', 'batch'], env);
    expect(without.code).to.equal(2);
    expect(without.stderr).to.include('LETTERS_GATEWAY=batch');
  });
});
