// The Haal Centraal BRP adapter against a fake BRP server: the query it sends, the person it reads
// back, and failing closed (down, hanging, wrong key, another shape) without the BSN in any error.
import { expect } from 'chai';
import { createBrpPopulationRegister } from '../../../src/gateways/population-register/index.ts';
import {
  PopulationRegisterError,
  addressLines,
  type RegisteredPerson,
} from '../../../src/core/register/population-register.ts';
import { startFakeBrp, type FakeBrp } from '../../support/fake-brp.ts';

const person: RegisteredPerson = {
  bsn: '999990068',
  birthDate: '1971-04-09',
  name: 'H.W. van der Vaart',
  address: {
    street: 'Lange Voorhout',
    houseNumber: 9,
    houseLetter: 'B',
    houseNumberAddition: '3',
    postcode: '2514EA',
    city: "'s-Gravenhage",
  },
};

async function refusal(promise: Promise<unknown>): Promise<PopulationRegisterError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(PopulationRegisterError);
    return error as PopulationRegisterError;
  }
  throw new Error('expected a PopulationRegisterError');
}

describe('BRP Personen Bevragen adapter (fake BRP server)', () => {
  let brp: FakeBrp;
  const settings = (timeoutMs = 3000) => ({ url: brp.url, apiKeyHeader: 'X-API-KEY', apiKey: brp.apiKey, timeoutMs });
  beforeEach(async () => {
    brp = await startFakeBrp({ persons: [person] });
  });
  afterEach(() => brp.stop());

  it('asks POST /personen with RaadpleegMetBurgerservicenummer, the BSN, the needed fields and the API key', async () => {
    await createBrpPopulationRegister(settings()).lookup(person.bsn);
    expect(brp.requests).to.have.length(1);
    const [request] = brp.requests;
    expect(request!.path).to.equal('/personen');
    expect(request!.headers['x-api-key']).to.equal(brp.apiKey);
    expect(request!.headers['content-type']).to.equal('application/json');
    expect(request!.body).to.deep.equal({
      type: 'RaadpleegMetBurgerservicenummer',
      burgerservicenummer: [person.bsn],
      fields: ['burgerservicenummer', 'naam', 'geboorte.datum', 'verblijfplaats', 'adressering.aanschrijfwijze'],
    });
  });

  it('reads birth date, letter name and address of residence from the answer', async () => {
    const found = await createBrpPopulationRegister(settings()).lookup(person.bsn);
    expect(found).to.deep.equal(person);
    expect(addressLines(found!.address)).to.deep.equal(['Lange Voorhout 9B-3', "2514 EA  'S-GRAVENHAGE"]);
  });

  it('answers undefined for a BSN the register does not hold (an empty personen list)', async () => {
    expect(await createBrpPopulationRegister(settings()).lookup('999990081')).to.equal(undefined);
  });

  it('treats a person without a Dutch address of residence as not found (no letter can reach them)', async () => {
    const abroad = createBrpPopulationRegister(settings(), async (url, init) => {
      const response = await fetch(url, init);
      const json = (await response.json()) as { personen: Array<Record<string, unknown>> };
      json.personen[0]!.verblijfplaats = {
        type: 'VerblijfplaatsBuitenland',
        verblijfadres: { land: { code: '6030' } },
      };
      return Response.json(json);
    });
    expect(await abroad.lookup(person.bsn)).to.equal(undefined);
  });

  it('fails closed when the BRP answers 503, with a message that names the host and not the BSN', async () => {
    brp.setMode('down');
    const error = await refusal(createBrpPopulationRegister(settings()).lookup(person.bsn));
    expect(error.reason).to.equal('http_status');
    expect(error.status).to.equal(503);
    expect(error.code).to.equal('register.unavailable');
    expect(error.message).to.include(new URL(brp.url).host).and.not.include(person.bsn);
  });

  it('fails closed when the BRP does not answer within the timeout', async () => {
    brp.setMode('hang');
    const started = Date.now();
    const error = await refusal(createBrpPopulationRegister(settings(300)).lookup(person.bsn));
    expect(error.reason).to.equal('timeout');
    expect(Date.now() - started).to.be.below(3000);
  });

  it('fails closed on a wrong API key and on an answer of another shape', async () => {
    const wrongKey = createBrpPopulationRegister({ ...settings(), apiKey: 'not-the-key' });
    expect((await refusal(wrongKey.lookup(person.bsn))).message).to.include('HTTP 401');
    brp.setMode('garbage');
    expect((await refusal(createBrpPopulationRegister(settings()).lookup(person.bsn))).reason).to.equal('bad_answer');
  });

  it('fails closed when the BRP cannot be reached at all', async () => {
    const url = brp.url;
    await brp.stop();
    const error = await refusal(createBrpPopulationRegister({ ...settings(), url }).lookup(person.bsn));
    expect(error.reason).to.equal('network');
    brp = await startFakeBrp();
  });
});
