// What the interop tests share: running the recipes of /work/shared/interop, starting a service
// provider as a process of its own, and a browser that walks a whole login across the SP and the IdP,
// including the SMS code of level Midden, which the recipes' Python driver cannot read (it never sees
// our SMS outbox).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { addOrganisation } from '../../../src/admin/organisations.ts';
import { addSamlWebdienst, type NewSamlWebdienst } from '../../../src/admin/saml-webdiensten.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { createServices } from '../../../src/services.ts';
import { formAction, type Page } from '../../support/browser.ts';
import { lastSmsCode } from '../../support/relying-party.ts';
import { freePort, type TestServer } from '../../support/server.ts';
import { nextOin } from './test-sp.ts';

export const interopDir = process.env.POORTWACHTER_INTEROP_DIR ?? '/work/shared/interop';

export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export interface SpProcess {
  child: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/** Starts a long-running SP (pysaml2's WSGI server) and waits until `readyUrl` answers. */
export async function startSpProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  readyUrl: string,
): Promise<SpProcess> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; i < 100; i += 1) {
    if (
      await fetch(readyUrl).then(
        () => true,
        () => false,
      )
    )
      return { child, log: () => log, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`SP did not start:\n${log}`);
}

export interface BrowserLoginOptions {
  username: string;
  password: string;
  /** Level Midden: the IdP sends an SMS code to this number; it is read from the outbox. */
  smsTo?: string;
  /** Changes the SAMLResponse (decoded XML) on its way from the IdP to the SP. */
  tamper?: (responseXml: string) => string;
  /** Sees the SAMLResponse (decoded XML) as the browser carries it. */
  observe?: (responseXml: string) => void;
}

/**
 * A browser for two hosts on loopback. Not test/support's TestBrowser: its cookie jar drops mellon's
 * cookie (Domain=127.0.0.1, an IP address), and mellon then refuses the Response ("User has disabled
 * cookies"). Cookies here are kept by host and name and sent on every path (both sides ignore extras).
 */
class LoopbackBrowser {
  private readonly cookies = new Map<string, Map<string, string>>();

  async request(url: string, form?: Record<string, string>): Promise<Page> {
    const host = new URL(url).hostname;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    this.cookies.set(host, jar);
    const headers: Record<string, string> = { accept: 'text/html' };
    if (jar.size) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin = new URL(url).origin;
    }
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: 'manual',
    });
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair] = setCookie.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(setCookie)) jar.delete(name);
      else jar.set(name, value);
    }
    const location = response.headers.get('location') ?? undefined;
    return {
      status: response.status,
      url,
      headers: response.headers,
      body: await response.text(),
      location: location && new URL(location, url).href,
    };
  }
}

function formFields(html: string): { action: string; fields: Record<string, string> } | undefined {
  const form = html.match(/<form[^>]*id="saml-post"[\s\S]*?<\/form>/)?.[0];
  if (!form) return undefined;
  const fields: Record<string, string> = {};
  for (const input of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[input[1]!] = input[2]!
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  return { action: form.match(/action="([^"]*)"/)![1]!.replace(/&amp;/g, '&'), fields };
}

/**
 * A citizen's browser from the SP's protected page to the end: redirects on both sides, our login pages
 * (password, then the SMS code when asked), and our auto-submitting HTTP-POST form. Returns the last page.
 */
export async function browserLogin(
  server: TestServer,
  startUrl: string,
  options: BrowserLoginOptions,
): Promise<{ page: Page; tampered: boolean; codeAsked: boolean }> {
  const browser = new LoopbackBrowser();
  let page = await browser.request(startUrl);
  let tampered = false;
  let codeAsked = false;
  for (let step = 0; step < 20; step += 1) {
    if (page.location && page.status >= 300 && page.status < 400) {
      page = await browser.request(page.location);
      continue;
    }
    const post = formFields(page.body);
    if (post) {
      if (post.fields.SAMLResponse) options.observe?.(Buffer.from(post.fields.SAMLResponse, 'base64').toString('utf8'));
      if (options.tamper && post.fields.SAMLResponse) {
        const xml = Buffer.from(post.fields.SAMLResponse, 'base64').toString('utf8');
        const changed = options.tamper(xml);
        expect(changed, 'the tamper changed nothing').to.not.equal(xml);
        post.fields.SAMLResponse = Buffer.from(changed, 'utf8').toString('base64');
        tampered = true;
      }
      page = await browser.request(new URL(post.action, page.url).href, post.fields);
      continue;
    }
    if (page.body.includes('name="password"')) {
      page = await browser.request(formAction(page.body, 'password', page.url), {
        username: options.username,
        password: options.password,
      });
      continue;
    }
    if (page.body.includes('name="code"') && options.smsTo) {
      codeAsked = true;
      page = await browser.request(formAction(page.body, 'code', page.url), {
        code: await lastSmsCode(server, options.smsTo),
      });
      continue;
    }
    return { page, tampered, codeAsked };
  }
  throw new Error(`login did not end within 20 steps, at ${page.url}`);
}

export interface Pysaml2Sp {
  url: string;
  process: SpProcess;
  stop(): Promise<void>;
}

/** What registers a pysaml2 SP as a webdienst: its organisation's name and the webdienst's settings. */
export type Pysaml2Registration = { organisationName: string } & Omit<NewSamlWebdienst, 'organisationOin' | 'metadata'>;

/**
 * Everything a pysaml2 SP reads from `work` before it runs: its key and certificate, its metadata
 * (written by pysaml2 from `env`: `script metadata`), our IdP metadata; and, with `registration`, the
 * SP registered as a webdienst of a BSN-entitled organisation of its own (the IdP imports the SP's
 * metadata before any login, interop/README.md).
 */
export async function preparePysaml2Sp(
  server: TestServer,
  options: { script: string; work: string; env: NodeJS.ProcessEnv; registration?: Pysaml2Registration },
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
  const metadata = await run('/usr/bin/python3', [script, 'metadata'], env, 60_000);
  expect(metadata.code, metadata.output).to.equal(0);
  if (registration) {
    const { organisationName, ...webdienst } = registration;
    const { adminDeps } = createServices(server.config, server.store, systemClock);
    const oin = nextOin();
    await addOrganisation(adminDeps, { name: organisationName, oin, bsnEntitled: true });
    await addSamlWebdienst(
      { ...adminDeps, environment: 'development' },
      { ...webdienst, organisationOin: oin, metadata: join(work, 'sp-metadata.xml') },
    );
  }
  writeFileSync(join(work, 'idp-metadata.xml'), await (await fetch(`${server.url}/saml/metadata`)).text());
}

/**
 * A pysaml2 SP (the recipe's pysaml2_sp.py, or our artifact variant) of its own: prepared as above,
 * registered at `level`, and its WSGI server on a free port.
 */
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
  const sp = await startSpProcess('/usr/bin/python3', [options.script, 'serve'], env, `${url}/`);
  return {
    url,
    process: sp,
    async stop() {
      await sp.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
