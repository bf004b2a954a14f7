// Production letters for a mail house: each letter becomes a print-ready PDF the moment it is sent,
// written (atomically: a temporary name, then a rename) into <directory>/pending/, so no code waits
// in the database. Once a day `poortwachter letters batch` moves the pending PDFs into a batch folder
// of their own with a manifest (file, kind, reference, recipient, SHA-256, size) for the mail house.
// Two processes running the batch at once never put a letter in two batches: a rename moves a file once.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../core/clock.ts';
import { LetterGatewayError, type LetterGateway } from '../../core/letters/letter-gateway.ts';
import { renderLetterPdf } from './pdf.ts';

/** What the manifest says of each letter; never the code. */
export interface ManifestEntry {
  file: string;
  reference: string;
  kind: string;
  recipientName: string;
  addressLines: string[];
  sha256: string;
  bytes: number;
  createdAt: string;
}

export interface BatchManifest {
  batch: string;
  createdAt: string;
  count: number;
  letters: ManifestEntry[];
}

const pendingDir = (directory: string) => join(directory, 'pending');
const safeName = (id: string) => id.replace(/[^A-Za-z0-9-]/g, '');

export function createBatchLetterGateway(directory: string): LetterGateway {
  return {
    kind: 'batch',
    async send(letter) {
      const name = `${new Date(letter.createdAt).toISOString().replace(/[:.]/g, '')}-${safeName(letter.id)}`;
      const pending = pendingDir(directory);
      try {
        const pdf = await renderLetterPdf(letter);
        const entry: Omit<ManifestEntry, 'file'> = {
          reference: letter.id,
          kind: letter.kind,
          recipientName: letter.recipient.name,
          addressLines: letter.recipient.addressLines,
          sha256: createHash('sha256').update(pdf).digest('hex'),
          bytes: pdf.length,
          createdAt: new Date(letter.createdAt).toISOString(),
        };
        await mkdir(pending, { recursive: true });
        // The description first, the PDF last: a batch takes only letters whose PDF is complete.
        await writeFile(join(pending, `${name}.json`), JSON.stringify(entry), { mode: 0o600 });
        await writeFile(join(pending, `${name}.pdf.tmp`), pdf, { mode: 0o600 });
        await rename(join(pending, `${name}.pdf.tmp`), join(pending, `${name}.pdf`));
      } catch (error) {
        throw new LetterGatewayError(`writing ${letter.kind} letter ${letter.id} for the batch failed`, {
          cause: error,
        });
      }
    },
  };
}

/** Moves every pending letter into a new batch folder and writes its manifest; returns the manifest. */
export async function writeLetterBatch(directory: string, clock: Clock): Promise<BatchManifest & { folder: string }> {
  const now = new Date(clock.now());
  const batch = `batch-${now.toISOString().replace(/[:.]/g, '').replace('T', '-')}`;
  const folder = join(directory, 'batches', batch);
  await mkdir(folder, { recursive: true });
  const pending = pendingDir(directory);
  const names = (await readdir(pending).catch(() => [] as string[])).filter((name) => name.endsWith('.pdf')).sort();
  const letters: ManifestEntry[] = [];
  for (const file of names) {
    const base = file.slice(0, -'.pdf'.length);
    try {
      await rename(join(pending, file), join(folder, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // another batch took it
      throw error;
    }
    const entry = JSON.parse(await readFile(join(pending, `${base}.json`), 'utf8')) as Omit<ManifestEntry, 'file'>;
    letters.push({ file, ...entry });
    await rm(join(pending, `${base}.json`), { force: true });
  }
  const manifest: BatchManifest = { batch, createdAt: now.toISOString(), count: letters.length, letters };
  await writeFile(join(folder, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return { ...manifest, folder };
}
