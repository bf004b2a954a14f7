// What the public pages of the account life cycle (request, activation, recovery) need.
import type { Config } from '../../config/index.ts';
import type { LifecycleDeps } from '../core/lifecycle/deps.ts';

export interface LifecyclePageDeps {
  lifecycle: LifecycleDeps;
  config: Pick<Config, 'publicUrl' | 'password' | 'accountRequest'>;
}
