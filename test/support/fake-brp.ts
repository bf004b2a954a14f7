// A small fake of the Haal Centraal BRP Personen Bevragen API for the tests: POST /personen with
// type RaadpleegMetBurgerservicenummer answers the persons it holds, in the shape of the real API
// (version 2), when the API key header is right. Its mode makes it fail: 'down' answers 503, 'hang'
// never answers, 'garbage' answers JSON of another shape. It records every request.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RegisteredPerson } from '../../src/core/register/population-register.ts';

export type FakeBrpMode = 'ok' | 'down' | 'hang' | 'garbage';

export interface BrpRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface FakeBrp {
  /** The API's base address (what BRP_URL names). */
  url: string;
  apiKey: string;
  requests: BrpRequest[];
  setMode(mode: FakeBrpMode): void;
  /** Adds a person as the BRP would hold them (huisletter, huisnummertoevoeging, aanschrijfwijze). */
  add(person: RegisteredPerson): void;
  stop(): Promise<void>;
}

/** A person in the BRP's own JSON, limited to the fields the request asked for. */
function brpPerson(person: RegisteredPerson, fields: string[]): Record<string, unknown> {
  const [surnamePrefix, surname] = person.name.includes(' ')
    ? [person.name.split(' ').slice(1, -1).join(' '), person.name.split(' ').at(-1)]
    : ['', person.name];
  const whole: Record<string, unknown> = {
    burgerservicenummer: person.bsn,
    naam: {
      voorletters: person.name.split(' ')[0],
      ...(surnamePrefix ? { voorvoegsel: surnamePrefix } : {}),
      geslachtsnaam: surname,
      voornamen: 'Testpersoon',
    },
    geboorte: { datum: { type: 'Datum', datum: person.birthDate, langFormaat: person.birthDate } },
    verblijfplaats: {
      type: 'Adres',
      verblijfadres: {
        officieleStraatnaam: person.address.street,
        korteStraatnaam: person.address.street,
        huisnummer: person.address.houseNumber,
        ...(person.address.houseLetter ? { huisletter: person.address.houseLetter } : {}),
        ...(person.address.houseNumberAddition ? { huisnummertoevoeging: person.address.houseNumberAddition } : {}),
        postcode: person.address.postcode,
        woonplaats: person.address.city,
      },
    },
    adressering: { aanschrijfwijze: { naam: person.name }, adresregel1: 'not asked for' },
    geslacht: { code: 'O', omschrijving: 'onbekend' },
  };
  // The BRP answers only the fields asked for: a top-level name or a dotted path into it.
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const [top, sub] = field.split('.') as [string, string | undefined];
    if (!(top in whole)) continue;
    if (!sub) out[top] = whole[top];
    else
      out[top] = {
        ...(out[top] as object | undefined),
        [sub]: (whole[top] as Record<string, unknown>)[sub],
      };
  }
  return out;
}

export async function startFakeBrp(options: { persons?: RegisteredPerson[]; apiKey?: string } = {}): Promise<FakeBrp> {
  let mode: FakeBrpMode = 'ok';
  const apiKey = options.apiKey ?? 'brp-test-key-0123456789';
  const persons = new Map((options.persons ?? []).map((person) => [person.bsn, person]));
  const requests: BrpRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'application/problem+json' });
        res.end(JSON.stringify(json));
      };
      if (mode === 'hang') return void hanging.add(res);
      if (mode === 'down') return send(503, { status: 503, title: 'Service Unavailable' });
      if (req.method !== 'POST' || req.url !== '/personen') return send(404, { status: 404, title: 'Not Found' });
      if (req.headers['x-api-key'] !== apiKey) return send(401, { status: 401, title: 'Unauthorized' });
      const query = body as { type?: unknown; burgerservicenummer?: unknown; fields?: unknown } | undefined;
      if (
        query?.type !== 'RaadpleegMetBurgerservicenummer' ||
        !Array.isArray(query.burgerservicenummer) ||
        !Array.isArray(query.fields) ||
        query.fields.length === 0
      )
        return send(400, { status: 400, title: 'Een of meerdere parameters zijn niet correct.' });
      if (mode === 'garbage') return send(200, { persons: 'none' });
      const found = (query.burgerservicenummer as string[])
        .map((bsn) => persons.get(bsn))
        .filter((person): person is RegisteredPerson => person !== undefined)
        .map((person) => brpPerson(person, query.fields as string[]));
      send(200, { type: 'RaadpleegMetBurgerservicenummer', personen: found });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    setMode(next) {
      mode = next;
    },
    add(person) {
      persons.set(person.bsn, person);
    },
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
