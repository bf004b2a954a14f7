// Rules about what code does rather than what it imports, which an import graph cannot see, checked on
// the TypeScript syntax tree (no type checking, so a comment that merely mentions them is not seen):
// only config/ reads process.env; no front-end reads the citizen's BSN itself: the
// core releases the subject (BSN or pseudonym) and the front-ends only format it; and
// the command line only reads from the store: its writes go through the core, which audits them.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
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

function parse(path: string): ts.SourceFile {
  return ts.createSourceFile(path, readFileSync(join(root, path), 'utf8'), ts.ScriptTarget.Latest, true);
}

/** `file:line text` of every node for which `matches` holds. */
function findNodes(paths: string[], matches: (node: ts.Node) => boolean): string[] {
  const found: string[] = [];
  for (const path of paths) {
    const source = parse(path);
    const visit = (node: ts.Node): void => {
      if (matches(node)) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        found.push(`${path}:${line + 1} ${node.getText()}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

const isProcess = (expression: ts.Node): boolean => ts.isIdentifier(expression) && expression.text === 'process';

function readsProcessEnv(node: ts.Node): boolean {
  return (
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
      node.importClause.namedBindings.elements.some((element) => (element.propertyName ?? element.name).text === 'env'))
  );
}

/** `x.bsn`, `x?.bsn`, `x['bsn']` and `const { bsn } = x`: a read of a property named bsn. */
function readsBsn(node: ts.Node): boolean {
  return (
    (ts.isPropertyAccessExpression(node) && node.name.text === 'bsn') ||
    (ts.isElementAccessExpression(node) &&
      ts.isStringLiteralLike(node.argumentExpression) &&
      node.argumentExpression.text === 'bsn') ||
    (ts.isBindingElement(node) &&
      ts.isObjectBindingPattern(node.parent) &&
      (node.propertyName ?? node.name).getText() === 'bsn')
  );
}

/** `store.x(...)` where x is not a read (find, list, count) or closing the store. */
function writesThroughStore(node: ts.Node): boolean {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return false;
  const receiver = node.expression.expression;
  const isStore =
    (ts.isIdentifier(receiver) && receiver.text === 'store') ||
    (ts.isPropertyAccessExpression(receiver) && receiver.name.text === 'store');
  return isStore && !/^(find|list|count|close$|ping$|pendingMigrations$)/.test(node.expression.name.text);
}

// The front-ends that read the BSN themselves: none, the core releases the subject (core/subject.ts);
// a new reader fails the test.
const knownFrontendBsnReads: string[] = [];

describe('architecture: what source files do', () => {
  const applicationFiles = ['src', 'seeds', 'bin'].flatMap(sourceFiles);
  const frontendFiles = sourceFiles('src/frontends');
  const cliFiles = sourceFiles('src/cli');

  it('sees the files it checks', () => {
    // Guards the guard: an empty file list would let both rules pass.
    expect(applicationFiles).to.include.members(['src/server.ts', 'src/core/levels.ts', 'seeds/development.ts']);
    expect(frontendFiles).to.include.members(['src/frontends/oidc/provider.ts', 'src/frontends/saml/idp.ts']);
    expect(cliFiles).to.include.members(['src/cli/main.ts', 'src/cli/citizen.ts']);
  });

  it('recognises a store write as the command line would make it, and lets reads through', () => {
    const probe = ts.createSourceFile(
      'probe.ts',
      'store.updateAlwaysSecondFactor(id, true, now); deps.store.insertCitizen(c); store.findCitizenById(id); store.listWebdiensten(); store.close();',
      ts.ScriptTarget.Latest,
      true,
    );
    const writes: string[] = [];
    const visit = (node: ts.Node): void => {
      if (writesThroughStore(node)) writes.push(node.getText());
      ts.forEachChild(node, visit);
    };
    visit(probe);
    expect(writes).to.deep.equal(['store.updateAlwaysSecondFactor(id, true, now)', 'deps.store.insertCitizen(c)']);
  });

  it('lets the command line only read from the store: its writes go through the core and are audited', () => {
    const writes = findNodes(cliFiles, writesThroughStore);
    expect(writes, writes.join('\n')).to.deep.equal([]);
  });

  it('reads process.env only in config/ (dependencies are passed in)', () => {
    const violations = findNodes(applicationFiles, readsProcessEnv);
    expect(violations, violations.join('\n')).to.deep.equal([]);
  });

  it('recognises every way of reading a BSN property (x.bsn, x?.bsn, x["bsn"], { bsn } = x)', () => {
    const probe = ts.createSourceFile(
      'probe.ts',
      "const a = c.bsn; const b = c?.bsn; const d = c['bsn']; const { bsn } = c; const e = { bsn: 1, bsnEntitled: c.bsnEntitled };",
      ts.ScriptTarget.Latest,
      true,
    );
    const reads: string[] = [];
    const visit = (node: ts.Node): void => {
      if (readsBsn(node)) reads.push(node.getText());
      ts.forEachChild(node, visit);
    };
    visit(probe);
    expect(reads).to.deep.equal(['c.bsn', 'c?.bsn', "c['bsn']", 'bsn']);
  });

  it('lets no front-end read the citizen BSN itself beyond the known reads (the core releases the subject)', () => {
    const reads = findNodes(frontendFiles, readsBsn).map((found) => found.replace(/:\d+ /, ' '));
    const fresh = reads.filter((read) => !knownFrontendBsnReads.includes(read));
    expect(fresh, `front-ends reading the BSN:\n  ${fresh.join('\n  ')}`).to.deep.equal([]);
    const gone = knownFrontendBsnReads.filter((read) => !reads.includes(read));
    expect(gone, `no longer read; remove from knownFrontendBsnReads:\n  ${gone.join('\n  ')}`).to.deep.equal([]);
  });
});
