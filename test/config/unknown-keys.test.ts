import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../config/index.ts';

describe('configuration file keys', () => {
  it('refuses a misspelt key in the config file, naming it, instead of silently using the default', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pw-config-')), 'config.json');
    writeFileSync(file, JSON.stringify({ oidc: { idTokenTTL: 100 } }));
    expect(() => loadConfig({ POORTWACHTER_CONFIG: file })).to.throw(
      ConfigError,
      /oidc: Unrecognized key: "idTokenTTL"/,
    );
  });
});
