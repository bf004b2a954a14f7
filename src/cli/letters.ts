// `poortwachter letters batch`: the mail house's daily batch (run it from cron once a day). The
// pending PDFs move into a batch folder of their own with a manifest; the run is audited.
import { systemClock } from '../core/clock.ts';
import { writeLetterBatch } from '../gateways/letters/index.ts';
import { services, UsageError, type Commands } from './command.ts';

export const lettersUsage = `  letters batch                  moves the pending letter PDFs into a new batch folder with manifest.json (LETTERS_GATEWAY=batch)`;

export const lettersCommands: Commands = {
  'letters batch': {
    options: {},
    run: async ({ config, store }) => {
      const directory = config.letters.gateway === 'batch' ? config.letters.batchDirectory : undefined;
      if (!directory) throw new UsageError('letters batch needs LETTERS_GATEWAY=batch and LETTERS_BATCH_DIRECTORY');
      const manifest = await writeLetterBatch(directory, systemClock);
      await services(config, store).audit.record({
        type: 'letters.batch_written',
        outcome: 'success',
        details: { batch: manifest.batch, count: manifest.count },
      });
      return { batch: manifest.batch, folder: manifest.folder, letters: manifest.count };
    },
  },
};
