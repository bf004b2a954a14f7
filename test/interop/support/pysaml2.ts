// A pysaml2 service provider of the interop tests (one of test/interop/pysaml2_*.py, built on the guide's
// docs/guides/pysaml2_sp_config.py): its key, its metadata written by pysaml2, our IdP metadata, its
// registration as a webdienst, and its WSGI server on a free port.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { freePort, type TestServer } from '../../support/server.ts';
import { debianPython, run, startSpProcess, type SpProcess } from './processes.ts';
import { registerSamlWebdienst, type SamlRegistration } from './registration.ts';

export const interopScript = (name: string): string => join(import.meta.dirname, '..', name);

export interface Pysaml2Sp {
  url: string;
  process: SpProcess;
  stop(): Promise<void>;
}

/**
 * Everything a pysaml2 SP reads from `work` before it runs: its key and certificate, its metadata
 * (written by pysaml2 from `env`: `script metadata`), our IdP metadata; and, with `registration`, the
 * SP registered as a webdienst of a BSN-entitled organisation of its own (the IdP imports the SP's
 * metadata before any login).
 */
export async function preparePysaml2Sp(
  server: TestServer,
  options: { script: string; work: string; env: NodeJS.ProcessEnv; registration?: Omit<SamlRegistration, 'metadata'> },
): Promise<void> {
  const { script, work, env, registration } = options;
  const key = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=pysaml2-sp',
      '-days',
      '2',
      '-keyout',
      join(work, 'sp.key'),
      '-out',
      join(work, 'sp.crt'),
    ],
    { stdio: 'ignore' },
  );
  expect(key.status, 'openssl req').to.equal(0);
  const metadata = await run(debianPython, [script, 'metadata'], env, 60_000);
  expect(metadata.code, metadata.output).to.equal(0);
  if (registration) await registerSamlWebdienst(server, { ...registration, metadata: join(work, 'sp-metadata.xml') });
  writeFileSync(join(work, 'idp-metadata.xml'), await (await fetch(`${server.url}/saml/metadata`)).text());
}

/** A pysaml2 SP of its own: prepared as above, registered at `level`, its WSGI server on a free port. */
export async function startPysaml2Sp(
  server: TestServer,
  options: { script: string; level: string; responseBinding: 'artifact' | 'post' },
): Promise<Pysaml2Sp> {
  const work = mkdtempSync(join(tmpdir(), 'pysaml2-sp-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { WORK: work, SP_PORT: String(port), SP_ENTITY_ID: `${url}/pysaml2-${options.level}` };
  await preparePysaml2Sp(server, {
    script: options.script,
    work,
    env,
    registration: {
      organisationName: 'Gemeente Interop',
      name: `pysaml2 SP ${options.level}`,
      responseBinding: options.responseBinding,
      level: options.level,
    },
  });
  const sp = await startSpProcess(debianPython, [options.script, 'serve'], env, `${url}/`);
  return {
    url,
    process: sp,
    async stop() {
      await sp.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
