#!/usr/bin/env node
// `npx poortwachter ...`: runs the TypeScript command line through tsx. Checked first, because on an
// older Node the import of node:sqlite fails with a message that does not say what to do.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major !== 22 || minor < 13) {
  process.stderr.write(
    `Poortwachter needs Node.js 22 LTS (22.13 or later); this is Node ${process.versions.node}.\n` +
      'Run it through npm (npm start, npx poortwachter ...), which uses the Node 22 of the project\'s dev dependencies, or install Node 22.\n',
  );
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
await import('../src/cli.ts');
