// The production letter batch: a PDF per letter waits in pending/ (never the code in a database),
// `letters batch` moves them into a batch folder of their own with a manifest, once.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createBatchLetterGateway, writeLetterBatch, type BatchManifest } from '../../../src/gateways/letters/index.ts';
import { FakeClock } from '../../support/clock.ts';
import { pdfText } from '../../support/pdf-text.ts';
import { sampleLetter } from './fixtures.ts';

describe('letter batch for the mail house', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'pw-letters-'));
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('writes one print-ready PDF per letter and a manifest without the codes, then starts an empty pending folder', async () => {
    const gateway = createBatchLetterGateway(directory);
    const letters = [
      sampleLetter({ id: 'L-1' }),
      sampleLetter({
        id: 'L-2',
        kind: 'recovery',
        code: 'WXYT-3479-ACDE',
        recipient: { name: 'K. Bakker', addressLines: ['Stationsweg 101', '9711 AA  GRONINGEN'] },
      }),
    ];
    for (const letter of letters) await gateway.send(letter);
    expect((await readdir(join(directory, 'pending'))).filter((name) => name.endsWith('.pdf'))).to.have.length(2);

    const clock = new FakeClock(Date.parse('2026-12-04T02:00:00Z'));
    const written = await writeLetterBatch(directory, clock);
    expect(written.count).to.equal(2);
    const manifestText = await readFile(join(written.folder, 'manifest.json'), 'utf8');
    const manifest = JSON.parse(manifestText) as BatchManifest;
    expect(manifest.batch).to.equal('batch-2026-12-04-020000000Z');
    expect(manifest.letters.map((entry) => entry.reference).sort()).to.deep.equal(['L-1', 'L-2']);
    for (const letter of letters) expect(manifestText, 'no code in the manifest').to.not.include(letter.code);

    for (const entry of manifest.letters) {
      const pdf = await readFile(join(written.folder, entry.file));
      expect(createHash('sha256').update(pdf).digest('hex')).to.equal(entry.sha256);
      expect(pdf.length).to.equal(entry.bytes);
      const letter = letters.find((candidate) => candidate.id === entry.reference)!;
      const { text } = await pdfText(pdf);
      expect(text).to.include(letter.code).and.include(letter.recipient.addressLines[0]);
      expect(entry.recipientName).to.equal(letter.recipient.name);
    }
    expect(await readdir(join(directory, 'pending'))).to.deep.equal([]);

    clock.advanceSeconds(86_400);
    const next = await writeLetterBatch(directory, clock);
    expect(next.count, 'a letter goes out in one batch only').to.equal(0);
  });

  it('lets two batches that run at once share the pending letters without a letter in both', async () => {
    const gateway = createBatchLetterGateway(directory);
    for (let index = 0; index < 6; index += 1) await gateway.send(sampleLetter({ id: `L-${index}` }));
    const [a, b] = await Promise.all([
      writeLetterBatch(directory, new FakeClock(Date.parse('2026-12-04T02:00:00Z'))),
      writeLetterBatch(directory, new FakeClock(Date.parse('2026-12-04T02:00:01Z'))),
    ]);
    const references = [...a.letters, ...b.letters].map((entry) => entry.reference).sort();
    expect(references).to.deep.equal(['L-0', 'L-1', 'L-2', 'L-3', 'L-4', 'L-5']);
  });

  it('fails with the letters.unavailable error when the directory cannot be written', async () => {
    // A file where the directory should be: nothing can be written beneath it.
    const blocked = join(directory, 'not-a-directory');
    await writeFile(blocked, 'x');
    const gateway = createBatchLetterGateway(blocked);
    const error = await gateway.send(sampleLetter()).then(
      () => undefined,
      (caught: unknown) => caught as { code?: string; message: string },
    );
    expect(error?.code).to.equal('letters.unavailable');
    expect(error?.message).to.not.include('ACDE');
  });
});
