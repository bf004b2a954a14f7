// The import direction of STYLE.md, checked cheaply: "Imports point one way: frontends, account,
// admin -> core -> stores. The core never imports a front-end." Plus two rules that follow from it:
// only src/stores touches the database driver (STYLE.md rule 5), and only config/ reads process.env
// (STYLE.md rule 8). The files are parsed with the TypeScript parser (no type checking), so
// multi-line imports, `import type`, `export ... from` and dynamic `import()` are all seen, and a
// comment that merely mentions process.env is not.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';

const root = process.cwd();

/** Every .ts/.js file under a folder of the repository, as a path relative to the root with `/`. */
function sourceFiles(folder: string): string[] {
  const entries = readdirSync(join(root, folder), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(ts|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

interface ParsedFile {
  path: string;
  source: ts.SourceFile;
  /** Every module specifier: static imports and re-exports (type-only too), import(), require(). */
  specifiers: string[];
}

function parse(path: string): ParsedFile {
  const source = ts.createSourceFile(path, readFileSync(join(root, path), 'utf8'), ts.ScriptTarget.Latest, true);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      specifiers.push(node.moduleReference.expression.text);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) specifiers.push(argument.text);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      specifiers.push(node.argument.literal.text); // type X = import('../core/levels.ts').Level
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { path, source, specifiers };
}

/** The repository path a relative specifier points at, or undefined for a package or node: built-in. */
function target(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return relative(root, resolve(root, dirname(file), specifier))
    .split(sep)
    .join('/');
}

/** The area of src a path belongs to: 'core', 'stores', 'frontends', ...; 'root' for src/app.ts and friends. */
function areaOf(path: string): string | undefined {
  const parts = path.split('/');
  if (parts[0] !== 'src') return parts[0]; // config, seeds, ...
  return parts.length > 2 ? parts[1] : 'root';
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const databasePackages = new Set(['knex', 'pg', 'pg-pool', 'pg-cursor', 'sqlite3', 'better-sqlite3']);

const files = sourceFiles('src').map(parse);
const applicationFiles = [...files, ...['seeds', 'bin'].flatMap(sourceFiles).map(parse)];

type Violation = string;

function importViolations(
  scope: ParsedFile[],
  isForbidden: (file: string, specifier: string) => string | undefined,
): Violation[] {
  const violations: Violation[] = [];
  for (const file of scope) {
    for (const specifier of file.specifiers) {
      const reason = isForbidden(file.path, specifier);
      if (reason) violations.push(`${file.path} imports '${specifier}' (${reason})`);
    }
  }
  return violations;
}

describe('architecture: imports point one way (STYLE.md)', () => {
  it('reads the import lines of every source file under src/', () => {
    // Guards the guard: an empty file list or a parser that sees nothing would let every rule pass.
    const areas = new Set(files.map((file) => areaOf(file.path)));
    for (const area of ['core', 'stores', 'frontends', 'admin', 'account', 'http'])
      expect(areas, `no files found in src/${area}`).to.include(area);
    const database = files.find((file) => file.path === 'src/stores/database.ts');
    expect(database?.specifiers).to.include('knex');
  });

  it('lets only src/stores import the database driver (knex, pg, sqlite3)', () => {
    const violations = importViolations(applicationFiles, (file, specifier) =>
      databasePackages.has(packageName(specifier)) && !file.startsWith('src/stores/')
        ? 'only src/stores may touch the database'
        : undefined,
    );
    expect(violations, violations.join('\n')).to.deep.equal([]);
  });

  it('keeps the core free of front-ends, the admin, the citizen pages and the demo', () => {
    const forbidden = new Set(['frontends', 'admin', 'account', 'demo', 'root']);
    const violations = importViolations(
      files.filter((file) => file.path.startsWith('src/core/')),
      (file, specifier) => {
        const to = target(file, specifier);
        const area = to && areaOf(to);
        if (!to || !area || !forbidden.has(area)) return undefined;
        return area === 'root'
          ? `the core must not import the composition root ${to}`
          : `the core must not import src/${area}`;
      },
    );
    expect(violations, violations.join('\n')).to.deep.equal([]);
  });

  it('keeps src/stores at the bottom: it imports nothing else from src, config or seeds', () => {
    const violations = importViolations(
      files.filter((file) => file.path.startsWith('src/stores/')),
      (file, specifier) => {
        const to = target(file, specifier);
        if (!to || to.startsWith('src/stores/')) return undefined;
        return `src/stores must not import ${to.startsWith('src/') ? `src/${areaOf(to)}` : to}`;
      },
    );
    expect(violations, violations.join('\n')).to.deep.equal([]);
  });

  it('reads process.env only in config/ (dependencies are passed in, STYLE.md rule 8)', () => {
    const violations: Violation[] = [];
    for (const file of applicationFiles) {
      const visit = (node: ts.Node): void => {
        const isProcess = (expression: ts.Node): boolean =>
          ts.isIdentifier(expression) && expression.text === 'process';
        const readsEnv =
          (ts.isPropertyAccessExpression(node) && isProcess(node.expression) && node.name.text === 'env') ||
          (ts.isElementAccessExpression(node) &&
            isProcess(node.expression) &&
            ts.isStringLiteralLike(node.argumentExpression) &&
            node.argumentExpression.text === 'env') ||
          (ts.isVariableDeclaration(node) &&
            node.initializer !== undefined &&
            isProcess(node.initializer) &&
            ts.isObjectBindingPattern(node.name) &&
            node.name.elements.some((element) => (element.propertyName ?? element.name).getText() === 'env')) ||
          (ts.isImportDeclaration(node) &&
            ts.isStringLiteral(node.moduleSpecifier) &&
            ['process', 'node:process'].includes(node.moduleSpecifier.text) &&
            node.importClause?.namedBindings !== undefined &&
            ts.isNamedImports(node.importClause.namedBindings) &&
            node.importClause.namedBindings.elements.some(
              (element) => (element.propertyName ?? element.name).text === 'env',
            ));
        if (readsEnv) {
          const { line, character } = file.source.getLineAndCharacterOfPosition(node.getStart());
          violations.push(`${file.path}:${line + 1}:${character + 1} reads process.env`);
        }
        ts.forEachChild(node, visit);
      };
      visit(file.source);
    }
    expect(violations, violations.join('\n')).to.deep.equal([]);
  });
});
