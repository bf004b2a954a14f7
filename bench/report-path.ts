// Where `--out` puts a report, for the bench and the load test alike: an absolute path as given, a
// relative one under the project (not the directory npm happened to run in); its folder is made.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function reportPath(projectRoot: string, out: string): string {
  return resolve(projectRoot, out);
}

export function prepareReportPath(projectRoot: string, out: string): string {
  const path = reportPath(projectRoot, out);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}
