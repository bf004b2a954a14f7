// Runs samlify's schema validator (@authenio/samlify-node-xmllint, libxml2 compiled to asm.js) in a
// worker thread: each call blocks for tens of milliseconds, prints to stdout, adds a process listener
// and keeps about 1.5 MB it never frees, so the main thread must not run it (schema-validator.ts
// replaces this worker every so many validations).
import { parentPort } from 'node:worker_threads';
import { validate } from '@authenio/samlify-node-xmllint';

parentPort.on('message', async ({ id, xml }) => {
  let valid = false;
  try {
    await validate(xml);
    valid = true;
  } catch {
    valid = false;
  }
  parentPort.postMessage({ id, valid });
});
