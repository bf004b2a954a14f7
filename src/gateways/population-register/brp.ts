// The Haal Centraal "BRP Personen Bevragen" API (version 2): one POST /personen with the query type
// RaadpleegMetBurgerservicenummer, only the fields an account request needs (the BRP answers with no
// more than it is asked), an API key header and a timeout. Anything but a clear answer fails closed
// with PopulationRegisterError; errors name the host, never the BSN.
import { z } from 'zod';
import type { Config } from '../../../config/index.ts';
import {
  normalisePostcode,
  PopulationRegisterError,
  type PopulationRegister,
  type RegisteredPerson,
} from '../../core/register/population-register.ts';

export type BrpSettings = NonNullable<Config['populationRegister']['brp']>;

/** The fields asked for: the BSN (to pair the answer), name, birth date, address of residence, letter name. */
export const brpFields = [
  'burgerservicenummer',
  'naam',
  'geboorte.datum',
  'verblijfplaats',
  'adressering.aanschrijfwijze',
] as const;

const text = z.string().trim().min(1);

// A birth date may be partly unknown in the BRP; the unknown parts become 00, as citizens type them.
const brpDate = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Datum'), datum: z.iso.date() }),
  z.object({ type: z.literal('JaarMaandDatum'), jaar: z.number().int(), maand: z.number().int().min(1).max(12) }),
  z.object({ type: z.literal('JaarDatum'), jaar: z.number().int() }),
  z.object({ type: z.literal('DatumOnbekend') }),
]);

const person = z.object({
  burgerservicenummer: z.string().regex(/^\d{9}$/),
  naam: z
    .object({
      voorletters: z.string().optional(),
      voorvoegsel: z.string().optional(),
      geslachtsnaam: z.string().optional(),
    })
    .optional(),
  geboorte: z.object({ datum: brpDate }).optional(),
  verblijfplaats: z
    .object({
      type: z.string(),
      verblijfadres: z
        .object({
          officieleStraatnaam: z.string().optional(),
          korteStraatnaam: z.string().optional(),
          huisnummer: z.number().int().positive().optional(),
          huisletter: z.string().optional(),
          huisnummertoevoeging: z.string().optional(),
          postcode: z.string().optional(),
          woonplaats: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  adressering: z.object({ aanschrijfwijze: z.object({ naam: text.optional() }).optional() }).optional(),
});

const answer = z.object({ type: z.literal('RaadpleegMetBurgerservicenummer'), personen: z.array(person) });

type BrpPerson = z.infer<typeof person>;

function birthDateOf(date: z.infer<typeof brpDate>): string {
  const pad = (value: number, length: number) => String(value).padStart(length, '0');
  switch (date.type) {
    case 'Datum':
      return date.datum;
    case 'JaarMaandDatum':
      return `${pad(date.jaar, 4)}-${pad(date.maand, 2)}-00`;
    case 'JaarDatum':
      return `${pad(date.jaar, 4)}-00-00`;
    case 'DatumOnbekend':
      return '0000-00-00';
  }
}

/** The person as the register interface knows them; undefined without a usable Dutch address of residence. */
export function toRegisteredPerson(found: BrpPerson): RegisteredPerson | undefined {
  const address = found.verblijfplaats?.type === 'Adres' ? found.verblijfplaats.verblijfadres : undefined;
  const street = address?.korteStraatnaam ?? address?.officieleStraatnaam;
  const postcode = address?.postcode && normalisePostcode(address.postcode);
  if (!address || !street || !address.huisnummer || !postcode || !address.woonplaats || !found.geboorte)
    return undefined;
  const naam = found.naam ?? {};
  const name =
    found.adressering?.aanschrijfwijze?.naam ??
    [naam.voorletters, naam.voorvoegsel, naam.geslachtsnaam].filter(Boolean).join(' ');
  return {
    bsn: found.burgerservicenummer,
    birthDate: birthDateOf(found.geboorte.datum),
    name,
    address: {
      street,
      houseNumber: address.huisnummer,
      houseLetter: address.huisletter ?? null,
      houseNumberAddition: address.huisnummertoevoeging ?? null,
      postcode,
      city: address.woonplaats,
    },
  };
}

export function createBrpPopulationRegister(
  settings: BrpSettings,
  fetchImpl: typeof fetch = fetch,
): PopulationRegister {
  const endpoint = `${settings.url.replace(/\/+$/, '')}/personen`;
  const host = new URL(endpoint).host;
  return {
    kind: 'brp',
    async lookup(bsn) {
      let response: Response;
      try {
        response = await fetchImpl(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            [settings.apiKeyHeader]: settings.apiKey,
          },
          body: JSON.stringify({
            type: 'RaadpleegMetBurgerservicenummer',
            burgerservicenummer: [bsn],
            fields: brpFields,
          }),
          // A redirect would resend the API key to wherever it points: not followed.
          redirect: 'manual',
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
      } catch (error) {
        if (error instanceof Error && error.name === 'TimeoutError')
          throw new PopulationRegisterError('timeout', `BRP ${host} did not answer within ${settings.timeoutMs} ms`);
        const code = (error as { cause?: { code?: unknown } }).cause?.code;
        throw new PopulationRegisterError(
          'network',
          `BRP ${host} could not be reached${typeof code === 'string' ? ` (${code})` : ''}`,
          { cause: error },
        );
      }
      if (response.status !== 200) {
        // The problem+json body may echo the query (the BSN): not read.
        await response.body?.cancel().catch(() => undefined);
        throw new PopulationRegisterError('http_status', `BRP ${host} answered HTTP ${response.status}`);
      }
      let parsed: z.infer<typeof answer>;
      try {
        parsed = answer.parse(await response.json());
      } catch {
        throw new PopulationRegisterError(
          'bad_answer',
          `BRP ${host} answered with JSON that is not a RaadpleegMetBurgerservicenummer result`,
        );
      }
      const found = parsed.personen.find((candidate) => candidate.burgerservicenummer === bsn);
      return found && toRegisteredPerson(found);
    },
  };
}
