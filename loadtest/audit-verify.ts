// `poortwachter audit verify --json` as an operator runs it, against the load test's database: the
// hash chain walked from the first event to the head after both faults. It exits 1 on a broken
// chain and prints its verdict all the same.
import { execFile } from 'node:child_process';
import { nodeBinary, projectRoot } from '../bench/server-process.ts';
import type { AuditVerifyResult } from './verdicts.ts';

interface VerifyOutput {
  ok: boolean;
  events: number;
  last_id: number;
  problems: string[];
}

export function runAuditVerify(serverEnv: NodeJS.ProcessEnv): Promise<AuditVerifyResult> {
  return new Promise((resolve) => {
    execFile(
      nodeBinary,
      ['--import', 'tsx', 'src/cli/main.ts', 'audit', 'verify', '--json'],
      { cwd: projectRoot, env: serverEnv, timeout: 120_000, maxBuffer: 16 * 2 ** 20 },
      (error, stdout, stderr) => {
        try {
          const output = JSON.parse(stdout) as VerifyOutput;
          resolve({
            ok: output.ok === true && !error,
            events: output.events,
            lastId: output.last_id,
            problems: output.problems ?? [],
          });
        } catch {
          resolve({
            ok: false,
            problems: [`could not run it: ${(error?.message ?? '').slice(0, 200)} ${stderr.slice(0, 300)}`],
          });
        }
      },
    );
  });
}
