// Apache httpd with a login module as a real webdienst: test/interop/apache/httpd.conf around the
// guide's own configuration file (docs/guides/*.conf, included as it is), in the foreground, so the
// test owns the process and stops it by its id.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, waitUntilAnswering } from './processes.ts';

const interopDir = join(import.meta.dirname, '..');
export const guidesDir = join(interopDir, '..', '..', 'docs', 'guides');

const modules = {
  mellon: { name: 'auth_mellon_module', file: 'mod_auth_mellon.so', log: 'auth_mellon:debug' },
  openidc: { name: 'auth_openidc_module', file: 'mod_auth_openidc.so', log: 'auth_openidc:debug' },
} as const;

export interface Apache {
  url: string;
  /** The error log's lines that are errors or warnings (the last `count`). */
  problems(count?: number): string;
  errorLog(): string;
  stop(): Promise<void>;
}

export interface ApacheOptions {
  module: keyof typeof modules;
  /** The guide's configuration file name in docs/guides. */
  guide: string;
  /** A folder of this run, readable by Apache's children (www-data). */
  work: string;
  port: number;
  /** The guide's variables. */
  variables: Record<string, string>;
}

export function moduleInstalled(module: keyof typeof modules): boolean {
  return existsSync(join('/usr/lib/apache2/modules', modules[module].file));
}

export async function startApache(options: ApacheOptions): Promise<Apache> {
  const { work, port } = options;
  const module = modules[options.module];
  chmodSync(work, 0o755);
  copyFileSync(join(interopDir, 'apache', 'whoami.cgi'), join(work, 'whoami.cgi'));
  chmodSync(join(work, 'whoami.cgi'), 0o755);
  const conf = join(interopDir, 'apache', 'httpd.conf');
  const env = {
    ...options.variables,
    WORK: work,
    SP_PORT: String(port),
    AUTH_MODULE: module.name,
    AUTH_MODULE_FILE: module.file,
    AUTH_LOG_LEVEL: module.log,
    GUIDE_CONF: join(guidesDir, options.guide),
  };
  const syntax = await run('apache2', ['-t', '-f', conf], env, 30_000);
  if (syntax.code !== 0) throw new Error(`apache2 -t refused the configuration:\n${syntax.output}`);
  // A process group of its own: on stop, Apache's prefork MPM signals its whole process group, which
  // would otherwise be the test runner's.
  const child: ChildProcess = spawn('apache2', ['-f', conf, '-D', 'FOREGROUND'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const errorLog = () => (existsSync(join(work, 'error.log')) ? readFileSync(join(work, 'error.log'), 'utf8') : '');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    process.off('exit', killOnExit);
  };
  if (!(await waitUntilAnswering(`${url}/logged-out`))) {
    await stop();
    throw new Error(`Apache did not start:\n${output}\n${errorLog()}`);
  }
  return {
    url,
    errorLog,
    problems: (count = 12) =>
      errorLog()
        .split('\n')
        .filter((line) => /:error\]|:warn\]|:crit\]/.test(line))
        .slice(-count)
        .join('\n'),
    stop,
  };
}
