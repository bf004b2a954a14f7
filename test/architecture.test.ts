// The layering, checked by dependency-cruiser with the rules in .dependency-cruiser.json:
// no import circles; the core free of Koa, HTTP, login pages, front-ends, gateways and the areas; only
// src/stores touches the database driver; the front-ends ask the core rather than the stores; nothing
// in the service imports the development seed. Violations that already existed when a rule was made
// are listed in .dependency-cruiser-known-violations.json (dependency-cruiser's baseline): the list may
// only shrink, and an entry that no longer occurs must be removed so it cannot hide a new one.
// From the command line: npx depcruise src config seeds bin --config .dependency-cruiser.json
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { cruise, type ICruiseOptions, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';

const root = process.cwd();
const scope = ['src', 'config', 'seeds', 'bin'];

/** One line per violation, the same for a fresh cruise and for an entry of the baseline. */
function describeViolation(violation: IViolation): string {
  const path = violation.cycle?.length
    ? [violation.from, ...violation.cycle.map((step) => step.name)].join(' -> ')
    : `${violation.from} -> ${violation.to}`;
  return `${violation.rule.name}: ${path}`;
}

async function cruiseWithRules(folders: string[], baseDir: string): Promise<ICruiseResult> {
  const options: ICruiseOptions = await extractDepcruiseOptions(join(root, '.dependency-cruiser.json'));
  const reported = await cruise(folders, { ...options, baseDir });
  if (typeof reported.output === 'string') throw new Error('dependency-cruiser returned a report, not a result');
  return reported.output;
}

function knownViolations(): string[] {
  const baseline = JSON.parse(
    readFileSync(join(root, '.dependency-cruiser-known-violations.json'), 'utf8'),
  ) as IViolation[];
  return baseline.map(describeViolation).sort();
}

describe('architecture: imports point one way (checked by dependency-cruiser)', () => {
  let result: ICruiseResult;
  before(async function () {
    this.timeout(60_000);
    result = await cruiseWithRules(scope, root);
  });

  it('reads the imports of every source file, type-only imports and npm packages included', () => {
    // Guards the guard: a cruise that saw no files, or no packages, would let every rule pass.
    const sources = new Set(result.modules.map((module) => module.source));
    for (const file of ['src/core/levels.ts', 'src/stores/database.ts', 'src/frontends/saml/idp.ts', 'config/index.ts'])
      expect(sources, `${file} was not cruised`).to.include(file);
    const database = result.modules.find((module) => module.source === 'src/stores/database.ts');
    expect(database?.dependencies.map((dependency) => dependency.module)).to.include('knex');
    expect(result.summary.ruleSetUsed?.forbidden?.map((rule) => rule.name)).to.have.members([
      'no-circular',
      'core-stays-protocol-neutral',
      'only-stores-touch-the-database',
      'stores-at-the-bottom',
      'front-ends-ask-the-core',
      'no-seeds-in-src',
    ]);
  });

  it('finds no violation of the rules beyond the known ones', () => {
    const known = new Set(knownViolations());
    const found = result.summary.violations.map(describeViolation);
    const fresh = found.filter((violation) => !known.has(violation));
    expect(fresh, `new violations of .dependency-cruiser.json:\n  ${fresh.join('\n  ')}`).to.deep.equal([]);
  });

  it('lists only known violations that still occur (the baseline shrinks as they are fixed)', () => {
    const found = new Set(result.summary.violations.map(describeViolation));
    const stale = knownViolations().filter((violation) => !found.has(violation));
    expect(
      stale,
      `fixed; remove from .dependency-cruiser-known-violations.json:\n  ${stale.join('\n  ')}`,
    ).to.deep.equal([]);
  });

  describe('each rule catches what it forbids (a small tree with one violation per rule)', () => {
    let fixture: string;
    let violations: string[];
    const files: Record<string, string> = {
      'config/index.ts': 'export const port = 3000;\n',
      'seeds/development.ts': "export const testCitizens = ['test-basis'];\n",
      'src/http/cookies.ts': "export const cookieName = 'sso';\n",
      'src/stores/rows.ts': "import { port } from '../../config/index.ts';\nexport const rows = [port];\n",
      'src/core/decides.ts':
        "import type { Context } from 'koa';\nimport { cookieName } from '../http/cookies.ts';\n" +
        "import { rows } from '../stores/rows.ts';\nexport const decide = (ctx: Context) => [ctx, cookieName, rows];\n",
      'src/admin/report.ts':
        "import knex from 'knex';\nimport { DatabaseSync } from 'node:sqlite';\nexport const db = [knex, DatabaseSync];\n",
      'src/frontends/oidc/claims.ts': "import { rows } from '../../stores/rows.ts';\nexport const claims = rows;\n",
      'src/app.ts': "import { testCitizens } from '../seeds/development.ts';\nexport const app = testCitizens;\n",
      'src/login/password.ts':
        "import { secondFactor } from './second-factor.ts';\nexport const password = () => secondFactor;\n",
      'src/login/second-factor.ts':
        "import { password } from './password.ts';\nexport const secondFactor = () => password;\n",
    };

    before(async function () {
      this.timeout(60_000);
      mkdirSync(join(root, '.tmp'), { recursive: true });
      fixture = mkdtempSync(join(root, '.tmp', 'architecture-'));
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(fixture, path)), { recursive: true });
        writeFileSync(join(fixture, path), text);
      }
      const cruised = await cruiseWithRules(['src', 'config', 'seeds'], fixture);
      violations = cruised.summary.violations.map((violation) =>
        describeViolation(violation).replace(/\S*node_modules\/([^/]+)\/\S*/, 'node_modules/$1'),
      );
    });
    after(() => rmSync(fixture, { recursive: true, force: true }));

    it('refuses an import circle', () => {
      expect(violations).to.include(
        'no-circular: src/login/password.ts -> src/login/second-factor.ts -> src/login/password.ts',
      );
    });

    it('refuses Koa and the HTTP layer in the core, and lets it use the stores', () => {
      expect(violations).to.include.members([
        'core-stays-protocol-neutral: src/core/decides.ts -> node_modules/koa',
        'core-stays-protocol-neutral: src/core/decides.ts -> src/http/cookies.ts',
      ]);
      expect(violations.filter((line) => line.includes('src/core/decides.ts -> src/stores'))).to.deep.equal([]);
    });

    it('refuses the database driver (knex, node:sqlite) outside src/stores', () => {
      expect(violations).to.include.members([
        'only-stores-touch-the-database: src/admin/report.ts -> node_modules/knex',
        'only-stores-touch-the-database: src/admin/report.ts -> node:sqlite',
      ]);
    });

    it('refuses configuration in src/stores', () => {
      expect(violations).to.include('stores-at-the-bottom: src/stores/rows.ts -> config/index.ts');
    });

    it('refuses a front-end that reads the stores itself', () => {
      expect(violations).to.include('front-ends-ask-the-core: src/frontends/oidc/claims.ts -> src/stores/rows.ts');
    });

    it('refuses the development seed in the service', () => {
      expect(violations).to.include('no-seeds-in-src: src/app.ts -> seeds/development.ts');
    });

    it('reports nothing else in the small tree', () => {
      expect(violations).to.have.length(8, violations.join('\n'));
    });
  });
});
