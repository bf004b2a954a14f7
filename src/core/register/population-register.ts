// The one population-register interface: an account request is checked against
// the register, and the activation letter goes to the address of residence the register holds. The
// seeded register serves development and preproduction; production asks the BRP (Haal Centraal BRP
// Personen Bevragen). A register that cannot answer fails closed: no request goes on without it.
import { PoortwachterError } from '../errors.ts';

export interface RegisteredAddress {
  street: string;
  houseNumber: number;
  /** Huisletter, e.g. 'A' (BRP verblijfadres.huisletter). */
  houseLetter: string | null;
  /** Huisnummertoevoeging, e.g. '2' or 'bis' (BRP verblijfadres.huisnummertoevoeging). */
  houseNumberAddition: string | null;
  /** Dutch postcode without the space, upper case: '1234AB'. */
  postcode: string;
  city: string;
}

export interface RegisteredPerson {
  bsn: string;
  /** ISO 8601 date, 'YYYY-MM-DD'. */
  birthDate: string;
  /** The name as a letter addresses the person, e.g. 'J. de Vries'. */
  name: string;
  /** Only persons with an address of residence in the Netherlands can be sent a letter. */
  address: RegisteredAddress;
}

export interface PopulationRegister {
  readonly kind: 'seeded' | 'brp';
  /** The person with this BSN, or undefined when the register holds no such person with an address. Throws PopulationRegisterError when it cannot tell. */
  lookup(bsn: string): Promise<RegisteredPerson | undefined>;
}

export type PopulationRegisterFailure = 'timeout' | 'network' | 'http_status' | 'bad_answer';

export class PopulationRegisterError extends PoortwachterError {
  readonly reason: PopulationRegisterFailure;

  constructor(reason: PopulationRegisterFailure, logMessage: string, options: { cause?: unknown } = {}) {
    super('register.unavailable', { status: 503, logMessage });
    this.name = 'PopulationRegisterError';
    this.reason = reason;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** '1234 ab' -> '1234AB'; undefined when it is not a Dutch postcode (four digits, the first not 0, two letters). */
export function normalisePostcode(input: string): string | undefined {
  const compact = input.replace(/\s+/g, '').toUpperCase();
  return /^[1-9]\d{3}[A-Z]{2}$/.test(compact) ? compact : undefined;
}

/** The house number's letter and addition as one comparable text: 'A', '2', 'A2', 'BIS' ('' for none). */
export function houseNumberSuffix(address: Pick<RegisteredAddress, 'houseLetter' | 'houseNumberAddition'>): string {
  return `${address.houseLetter ?? ''}${address.houseNumberAddition ?? ''}`.replace(/[\s-]/g, '').toUpperCase();
}

/** The address lines of a letter: street and number ('Dorpsstraat 12A-2'), then postcode and city (PostNL: two spaces). */
export function addressLines(address: RegisteredAddress): string[] {
  const number = `${address.houseNumber}${address.houseLetter ?? ''}${address.houseNumberAddition ? `-${address.houseNumberAddition}` : ''}`;
  return [
    `${address.street} ${number}`,
    `${address.postcode.slice(0, 4)} ${address.postcode.slice(4)}  ${address.city.toUpperCase()}`,
  ];
}
