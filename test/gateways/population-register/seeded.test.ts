import { expect } from 'chai';
import { testCitizens } from '../../../seeds/development.ts';
import { isValidBsn } from '../../../src/core/bsn.ts';
import { createPopulationRegister, seededPersons } from '../../../src/gateways/population-register/index.ts';
import { loadConfig } from '../../../config/index.ts';

describe('seeded population register (development and preproduction)', () => {
  it('holds the test citizens and more persons, all with fictitious BSNs that pass the 11-check', async () => {
    const register = createPopulationRegister(loadConfig({ POORTWACHTER_ENV: 'preproduction' }));
    expect(register.kind).to.equal('seeded');
    for (const citizen of testCitizens)
      expect(await register.lookup(citizen.bsn), citizen.username).to.not.equal(undefined);
    expect(seededPersons.length).to.be.above(testCitizens.length);
    for (const person of seededPersons) {
      expect(isValidBsn(person.bsn), person.bsn).to.equal(true);
      expect(person.bsn.startsWith('9999'), person.bsn).to.equal(true);
    }
    expect(await register.lookup('999990081')).to.equal(undefined);
  });

  it('is refused for a hand-built production configuration', () => {
    const config = { ...loadConfig({ POORTWACHTER_ENV: 'development' }), environment: 'production' as const };
    expect(() => createPopulationRegister(config)).to.throw(/refused in production/);
  });
});
