// The message of the configuration error that loading `env` raises; fails when it loads.
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../config/index.ts';

export function configError(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}
