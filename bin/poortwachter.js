#!/usr/bin/env node
// `npx poortwachter ...`: runs the TypeScript command line through tsx (Node 22, see package.json engines).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
