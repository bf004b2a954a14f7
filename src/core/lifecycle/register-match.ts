// Whether what the citizen typed matches the register: birth date, postcode, house number and its
// letter or addition. The caller answers every mismatch, and an unknown BSN, the same way.
import { isValidBsn } from '../bsn.ts';
import type { FieldError } from './deps.ts';
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

/** The identifying fields as typed, each checked on its own (the register check comes after). */
export interface TypedIdentity {
  bsn: string;
  birthDate: string;
  postcode: string;
  houseNumber: string;
  houseNumberSuffix: string;
}

export function identityFieldErrors(input: TypedIdentity): FieldError[] {
  const errors: FieldError[] = [];
  if (!isValidBsn(input.bsn)) errors.push({ field: 'bsn', code: 'request.invalid_bsn' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.birthDate))
    errors.push({ field: 'birthDate', code: 'request.invalid_birth_date' });
  if (!normalisePostcode(input.postcode)) errors.push({ field: 'postcode', code: 'request.invalid_postcode' });
  if (!/^[1-9]\d{0,4}$/.test(input.houseNumber.trim()))
    errors.push({ field: 'houseNumber', code: 'request.invalid_house_number' });
  if (!/^[A-Za-z0-9 -]{0,10}$/.test(input.houseNumberSuffix.trim()))
    errors.push({ field: 'houseNumberSuffix', code: 'request.invalid_house_number_suffix' });
  return errors;
}

/** The typed identity in the form matchesRegister compares. */
export function typedDetails(input: TypedIdentity): IdentifyingDetails {
  return {
    birthDate: input.birthDate,
    postcode: input.postcode,
    houseNumber: Number(input.houseNumber.trim()),
    houseNumberSuffix: input.houseNumberSuffix,
  };
}
