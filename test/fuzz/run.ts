// `npm run fuzz [-- --count N --seed S --concurrency C]` (or FUZZ_COUNT, FUZZ_SEED): malformed SAML and
// OIDC requests against the real app on 127.0.0.1 (ephemeral port, temporary sqlite database).
// Prints a summary and every failure; exits 1 when a request got a 5xx or no answer, a watched
// table changed, or the service is not healthy afterwards. Replay one case with the same seed;
// --attribute-writes runs one case at a time and names each case that wrote a row.
import { parseArgs } from 'node:util';
import { fuzzPassed, runFuzz } from './run-cases.ts';
import { startFuzzTarget } from './target.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string' },
    seed: { type: 'string' },
    concurrency: { type: 'string' },
    'attribute-writes': { type: 'boolean' },
  },
});
const count = Number(values.count ?? process.env.FUZZ_COUNT ?? 10_000);
const seed = Number(values.seed ?? process.env.FUZZ_SEED ?? 20_260_101);
const concurrency = Number(values.concurrency ?? 4);
for (const [name, value] of Object.entries({ count, seed, concurrency }))
  if (!Number.isSafeInteger(value) || value < 1) {
    process.stderr.write(`fuzz: --${name} must be a whole number of at least 1\n`);
    process.exit(2);
  }

const target = await startFuzzTarget();
try {
  process.stdout.write(`fuzzing ${target.url} with ${count} cases, seed ${seed}, concurrency ${concurrency}\n`);
  const report = await runFuzz(target, {
    count,
    seed,
    concurrency,
    attributeWrites: values['attribute-writes'] === true,
    onProgress: (done) => process.stdout.write(`  ${done} / ${count}\n`),
  });
  process.stdout.write(
    `${JSON.stringify({ ...report, failures: report.failures.length, errorLogLines: report.errorLogLines.length }, null, 2)}\n`,
  );
  for (const failure of report.failures.slice(0, 50)) process.stdout.write(`FAIL ${JSON.stringify(failure)}\n`);
  for (const line of report.errorLogLines.slice(0, 20)) process.stdout.write(`ERROR LOG ${line.slice(0, 600)}\n`);
  const passed = fuzzPassed(report);
  process.stdout.write(passed ? 'fuzz: passed\n' : 'fuzz: FAILED\n');
  process.exitCode = passed ? 0 : 1;
} finally {
  await target.stop();
}
