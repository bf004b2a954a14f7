// The PostgreSQL server the load test runs on, and the one thing the test does to it besides use it:
// restart it. By default a throwaway cluster of its own, made the way .ci/run makes the test cluster
// (Debian's initdb and pg_ctl under /usr/lib/postgresql/*/bin, run as the postgres user), on a free
// loopback port and a data directory under /tmp, removed afterwards. Unlike the test cluster it keeps
// PostgreSQL's durable defaults (fsync, synchronous_commit): "nothing written before the fault is
// lost" means something only when a commit means what it means in production.
// With --postgres URL --pg-ctl-data DIR the test uses a server someone else runs and restarts it with
// pg_ctl on DIR, as the owner of DIR.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../bench/server-process.ts';

const run = promisify(execFile);

export type RestartMode = 'fast' | 'immediate';

export interface PostgresServer {
  /** A URL for a user who may create databases (for bench/postgres.ts createPostgresDatabase). */
  adminUrl: string;
  /** What it is, for the report. */
  description: string;
  /** pg_ctl restart; resolves when the server accepts connections again. */
  restart(mode: RestartMode): Promise<void>;
  /** Stops and removes a cluster this process made; leaves someone else's server running. */
  close(): Promise<void>;
}

/** The newest installed PostgreSQL's bin directory (Debian: /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
    : [];
  const newest = versions.sort((a, b) => Number(a) - Number(b)).at(-1);
  if (!newest) {
    throw new Error(
      'no PostgreSQL server binaries in /usr/lib/postgresql/*/bin: run .ci/run once, or apt-get install postgresql (the load test installs nothing itself)',
    );
  }
  return join(root, newest, 'bin');
}

/** Runs a PostgreSQL program as `user` (runuser when that is not who we are: initdb refuses root). */
async function runAs(user: string, program: string, args: string[]): Promise<string> {
  const [file, fileArgs] =
    userInfo().username === user ? [program, args] : ['runuser', ['-u', user, '--', program, ...args]];
  try {
    const { stdout } = await run(file, fileArgs, { timeout: 120_000 });
    return stdout;
  } catch (error) {
    const failed = error as Error & { stdout?: string; stderr?: string };
    throw new Error(
      `${program.split('/').at(-1)} ${args.join(' ')} failed: ${failed.stderr || failed.stdout || failed.message}`,
    );
  }
}

/** The user name owning a path (pg_ctl must run as the owner of the data directory). */
function ownerOf(path: string): string {
  const uid = statSync(path).uid;
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => Number(fields[2]) === uid);
  if (!entry?.[0]) throw new Error(`no user with uid ${uid} (the owner of ${path})`);
  return entry[0];
}

/** A cluster of our own: initdb, start on a free port, a role with a random password. */
export async function startThrowawayCluster(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (process.getuid?.() !== 0)
    throw new Error(
      'the throwaway PostgreSQL cluster needs root (initdb and pg_ctl run as the postgres user through runuser); or pass --postgres URL --pg-ctl-data DIR',
    );
  const dataDir = `/tmp/poortwachter-loadtest-pg-${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const password = randomBytes(18).toString('base64url');
  await run('install', ['-d', '-o', 'postgres', '-g', 'postgres', '-m', '700', dataDir]);
  const remove = () => rmSync(dataDir, { recursive: true, force: true });
  try {
    await runAs('postgres', join(bin, 'initdb'), [
      '-D',
      dataDir,
      '--username=postgres',
      '--encoding=UTF8',
      '--locale=C',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
    ]);
    const options = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
    await runAs('postgres', join(bin, 'pg_ctl'), [
      '-D',
      dataDir,
      '-l',
      join(dataDir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      options,
      'start',
    ]);
    await runAs('postgres', join(bin, 'psql'), [
      '-h',
      dataDir,
      '-p',
      String(port),
      '-U',
      'postgres',
      '-d',
      'postgres',
      '-v',
      'ON_ERROR_STOP=1',
      '-qc',
      `CREATE ROLE loadtest LOGIN CREATEDB PASSWORD '${password}'`,
    ]);
  } catch (error) {
    await runAs('postgres', join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']).catch(() => undefined);
    remove();
    throw error;
  }
  const version = (await run(join(bin, 'postgres'), ['--version'])).stdout.trim();
  return {
    adminUrl: `postgres://loadtest:${password}@127.0.0.1:${port}/postgres`,
    description: `${version}, throwaway cluster in ${dataDir} on 127.0.0.1:${port} (durable defaults: fsync and synchronous_commit on)`,
    async restart(mode) {
      // -w waits until the server accepts connections again (after crash recovery, with immediate); -l
      // because a postmaster writing to our pipe would keep execFile waiting until it stops.
      await runAs('postgres', join(bin, 'pg_ctl'), [
        '-D',
        dataDir,
        '-l',
        join(dataDir, 'server.log'),
        '-m',
        mode,
        '-w',
        '-t',
        '60',
        'restart',
      ]);
    },
    async close() {
      await runAs('postgres', join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']).catch(
        () => undefined,
      );
      remove();
    },
  };
}

/** Someone else's server: used as it is, restarted with pg_ctl on its data directory. */
export function externalServer(adminUrl: string, dataDir: string | undefined): PostgresServer {
  const shown = new URL(adminUrl);
  shown.password = shown.password ? '***' : '';
  // The restarted server's output has to go somewhere other than our pipe (see above); it keeps
  // writing there until it is restarted by its owner again.
  const log = `/tmp/poortwachter-loadtest-pg_ctl-${randomBytes(4).toString('hex')}.log`;
  return {
    adminUrl,
    description: `given server ${shown.href}${dataDir ? `, restarted with pg_ctl -D ${dataDir} -l ${log}` : ' (no --pg-ctl-data: it cannot be restarted)'}`,
    async restart(mode) {
      if (!dataDir) throw new Error('restarting a given server needs --pg-ctl-data DIR');
      await runAs(ownerOf(dataDir), join(postgresBinDir(), 'pg_ctl'), [
        '-D',
        dataDir,
        '-l',
        log,
        '-m',
        mode,
        '-w',
        '-t',
        '60',
        'restart',
      ]);
    },
    close: () => Promise.resolve(),
  };
}
