// Whether what the citizen typed matches the register: birth date, postcode, house number and its
// letter or addition. The caller answers every mismatch, and an unknown BSN, the same way.
import { houseNumberSuffix, normalisePostcode, type RegisteredPerson } from '../register/population-register.ts';

export interface IdentifyingDetails {
  /** 'YYYY-MM-DD', 00 for the parts of a date the register does not know. */
  birthDate: string;
  postcode: string;
  houseNumber: number;
  /** Letter and/or addition as the citizen typed them ('a', '2', 'A-2', 'bis'). */
  houseNumberSuffix: string;
}

export function matchesRegister(person: RegisteredPerson, typed: IdentifyingDetails): boolean {
  return (
    person.birthDate === typed.birthDate &&
    person.address.postcode === normalisePostcode(typed.postcode) &&
    person.address.houseNumber === typed.houseNumber &&
    houseNumberSuffix(person.address) === typed.houseNumberSuffix.replace(/[\s-]/g, '').toUpperCase()
  );
}
