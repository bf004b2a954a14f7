// Summarises a V8 .cpuprofile (from `npm run bench -- --cpu-prof`): main-thread time per package /
// area, the functions with the most self time, and the functions with the most inclusive time.
// argon2id runs on libuv threads, so it does not appear here: this is the event loop's share.
//
//   npx tsx bench/profile-summary.ts .tmp/bench-*/profile/CPU.*.0.001.cpuprofile [--top 30] [--from S --to S]
// --from/--to: seconds since the server started (npm run bench -- --cpu-prof prints them per run).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fixed, textTable } from './stats.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function area(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8 builtins)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:'))
    return `node:${url.slice(5).split('/')[0]}${url.includes('internal') ? ' (internal)' : ''}`;
  const own = /\/(src|config|seeds|bench)\/(.*)$/.exec(url);
  if (own) return `${own[1]}/${own[2]!.split('/').slice(0, -1).join('/') || '.'}`;
  return url;
}

/** The groups the bench results speak of: whose code the main thread's self time is in. */
export function group(url: string, functionName: string): string {
  const name = area(url, functionName);
  if (name === 'oidc-provider' || name === 'jsesc' || name === 'quick-lru') return 'oidc-provider';
  if (
    name === 'jose' ||
    name === 'node:crypto' ||
    /^(sign|verify|Hmac|Hash|digest|getKeyObjectSlots|randomFillSync|jobPromise)$/.test(functionName)
  )
    return 'JOSE / crypto (signing, hashing, HMAC)';
  if (/^(xml-crypto|xpath|@xmldom\/|samlify|libxml2-wasm|@authenio\/)/.test(name) || name.startsWith('wasm://'))
    return 'XML (parse, c14n, sign, verify, schema)';
  if (name === 'knex' || name === 'tarn' || name === 'pg' || name === 'src/stores')
    return 'knex / database (our stores included)';
  if (name === 'nunjucks' || name === 'a-sync-waterfall') return 'nunjucks';
  if (name.startsWith('src/') || name.startsWith('config/')) return 'our code (src/, outside the stores)';
  if (
    /^(koa|@koa\/|koa-|delegates|cookies|keygrip|tsscmp|negotiator|accepts|on-finished|ee-first|content-|type-is|mime|http-errors|statuses|vary|encodeurl|escape-html|fresh|destroy|only|depd|debug|co-body|raw-body|inflation|qs|media-typer)/.test(
      name,
    )
  )
    return 'Koa and its helpers (cookies, routing)';
  if (name.startsWith('node:')) return 'Node (HTTP, streams, sockets, timers)';
  if (name.startsWith('(')) return name === '(native / V8 builtins)' ? 'V8 builtins and native' : `V8 ${name}`;
  return `other packages (${name})`;
}

export function summariseProfile(
  profile: Profile,
  top = 25,
  fromSeconds = 0,
  toSeconds = Number.POSITIVE_INFINITY,
): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<number, number>();
  let at = 0; // µs since the profile started
  for (let i = 0; i < profile.samples.length; i += 1) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < fromSeconds * 1e6 || at > toSeconds * 1e6) continue;
    const delta = profile.timeDeltas[i + 1] ?? 0; // the delta after a sample is the time it stood for
    self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + delta);
  }
  const total = [...self.values()].reduce((sum, value) => sum + value, 0);
  const idle = [...self.entries()]
    .filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)')
    .reduce((sum, [, value]) => sum + value, 0);
  const busy = total - idle;

  const key = (node: ProfileNode) =>
    `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*\/(node_modules|src|config)\//, '$1/')}:${node.callFrame.lineNumber + 1}`;
  const areas = new Map<string, number>();
  const groups = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, time] of self) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue;
    const name = area(node.callFrame.url, node.callFrame.functionName);
    areas.set(name, (areas.get(name) ?? 0) + time);
    const grouped = group(node.callFrame.url, node.callFrame.functionName);
    groups.set(grouped, (groups.get(grouped) ?? 0) + time);
    selfByFunction.set(key(node), (selfByFunction.get(key(node)) ?? 0) + time);
    // Inclusive: every distinct function on the stack gets the sample once (recursion counted once).
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!;
      if (!frame.callFrame.url && !frame.callFrame.functionName) continue;
      onStack.add(key(frame));
    }
    for (const name of onStack) inclusive.set(name, (inclusive.get(name) ?? 0) + time);
  }
  const percent = (value: number) => fixed((value / busy) * 100, 1);
  const ms = (value: number) => fixed(value / 1000, 0);
  const rank = (map: Map<string, number>, n: number) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return [
    `profile: ${fixed(total / 1e6, 1)} s sampled${fromSeconds > 0 || Number.isFinite(toSeconds) ? ` (${fromSeconds}-${toSeconds} s after start)` : ''}, main thread busy ${fixed(busy / 1e6, 1)} s (${fixed((busy / total) * 100, 0)}%)`,
    '',
    'Main-thread time by group (self time):',
    textTable(
      ['group', 'ms', '% of busy'],
      rank(groups, top).map(([name, value]) => [name, ms(value), percent(value)]),
      ['left', 'right', 'right'],
    ),
    '',
    'Main-thread time by area (self time):',
    textTable(
      ['area', 'ms', '% of busy'],
      rank(areas, top).map(([name, value]) => [name, ms(value), percent(value)]),
      ['left', 'right', 'right'],
    ),
    '',
    'Top functions by self time:',
    textTable(
      ['function', 'ms', '%'],
      rank(selfByFunction, top).map(([name, value]) => [name.slice(0, 110), ms(value), percent(value)]),
      ['left', 'right', 'right'],
    ),
    '',
    'Top functions by inclusive time:',
    textTable(
      ['function', 'ms', '%'],
      rank(inclusive, top * 2).map(([name, value]) => [name.slice(0, 110), ms(value), percent(value)]),
      ['left', 'right', 'right'],
    ),
  ].join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { values, positionals } = parseArgs({
    options: {
      top: { type: 'string', default: '25' },
      from: { type: 'string', default: '0' },
      to: { type: 'string', default: 'Infinity' },
    },
    allowPositionals: true,
  });
  for (const file of positionals) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    process.stdout.write(
      `== ${file}\n${summariseProfile(profile, Number(values.top), Number(values.from), Number(values.to))}\n\n`,
    );
  }
}
