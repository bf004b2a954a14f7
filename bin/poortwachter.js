#!/usr/bin/env node
// `npx poortwachter ...`: runs the TypeScript command line through tsx. Checked first, because on an
// older Node the import of node:sqlite fails with a message that does not say what to do.
import process from 'node:process';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major !== 24 || minor < 11) {
  process.stderr.write(
    `Poortwachter needs Node.js 24 LTS (24.11 or later); this is Node ${process.versions.node}.\n` +
      "Run it through npm (npm start, npx poortwachter ...), which uses the Node 24 of the project's dev dependencies, or install Node 24.\n",
  );
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
await import('../src/cli/main.ts');
