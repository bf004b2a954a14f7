// `npm run bench -- --out` and `npm run loadtest -- --out`: an absolute path is honoured, a relative
// one is taken from the project, and the folder is made.
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareReportPath, reportPath } from '../../bench/report-path.ts';

describe('report path of the bench and the load test (--out)', () => {
  const root = '/srv/poortwachter';

  it('honours an absolute path', () => {
    expect(reportPath(root, '/tmp/report.md')).to.equal('/tmp/report.md');
  });

  it('takes a relative path from the project', () => {
    expect(reportPath(root, 'bench/loadtest-results.md')).to.equal('/srv/poortwachter/bench/loadtest-results.md');
    expect(reportPath(root, 'tmp/report.md')).to.equal('/srv/poortwachter/tmp/report.md');
  });

  it('makes the folder of the report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-path-'));
    try {
      const path = prepareReportPath(root, join(dir, 'deeper', 'report.md'));
      expect(path).to.equal(join(dir, 'deeper', 'report.md'));
      expect(existsSync(join(dir, 'deeper'))).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
