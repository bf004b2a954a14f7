// The account step of the mixed load: a new citizen is added (as `poortwachter citizen add` does,
// in this process, on the same database: there is no public sign-up) and then logs in at level
// Basis through the proxy, so the new account is usable on whichever worker the requests reach.
// Every account whose creation returned is written down in the ledger, which the loss check later
// compares with the database.
import { basisLogin } from '../bench/flows/basis.ts';
import type { Scenario } from '../bench/flows/scenario.ts';
import { loadConfig } from '../config/index.ts';
import { isValidBsn } from '../src/core/bsn.ts';
import { addCitizen } from '../src/core/citizens.ts';
import { systemClock } from '../src/core/clock.ts';
import { createServices } from '../src/services.ts';
import { openStore } from '../src/stores/index.ts';

export interface CreatedAccount {
  id: string;
  username: string;
  /** Date.now() when addCitizen returned: the commit was acknowledged by then. */
  acknowledgedAt: number;
}

const password = 'duinroos-kwelwater-loadtest-2026';
/** Fictitious BSNs from the 9999 range (DESIGN.md section 3), below the bench's Midden citizens (999 950 000 on). */
const firstBsn = 999_900_000;
const lastBsn = 999_950_000;

export const accountScenarioName = 'account';

/** The scenario and the ledger it fills; prepare() opens the store the accounts are created through. */
export function accountCreation(): { scenario: Scenario; ledger: CreatedAccount[] } {
  const ledger: CreatedAccount[] = [];
  const scenario: Scenario = {
    name: accountScenarioName,
    description: 'a new citizen account (addCitizen on the database, as the CLI does), then its first OIDC Basis login',
    prepare(setup) {
      const store = openStore(setup.databaseUrl, { poolSize: 2 });
      const { citizenDeps } = createServices(loadConfig(setup.serverEnv), store, systemClock);
      const runId = Date.now().toString(36);
      let bsn = firstBsn;
      let serial = 0;
      const nextBsn = (): string => {
        while (!isValidBsn(String(bsn))) bsn += 1;
        if (bsn >= lastBsn)
          throw new Error(`the account step used up its BSNs (${firstBsn} to ${lastBsn}): run shorter phases`);
        return String(bsn++);
      };
      return Promise.resolve({
        scenario: {
          ...scenario,
          async run(ctx) {
            serial += 1;
            const username = `loadtest-${runId}-${serial}`;
            const citizen = await ctx.step('addCitizen (load test process)', () =>
              addCitizen(citizenDeps, { username, password, bsn: nextBsn() }),
            );
            ledger.push({ id: citizen.id, username: citizen.username, acknowledgedAt: Date.now() });
            await basisLogin.run({ ...ctx, target: { ...ctx.target, citizen: { username, password } } });
          },
        },
        close: () => store.close(),
      });
    },
    run() {
      return Promise.reject(new Error('the account scenario needs prepare() (its store)'));
    },
  };
  return { scenario, ledger };
}
