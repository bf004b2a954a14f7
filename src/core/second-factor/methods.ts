// Which second factors a citizen can use for Midden: SMS to a number in an allowed country, and an
// authenticator app once linked.
import type { CitizenRow, SecondFactorMethod } from '../../stores/index.ts';

export function smsAllowed(phone: string | null, allowedCountryPrefixes: string[]): phone is string {
  return phone !== null && allowedCountryPrefixes.some((prefix) => phone.startsWith(prefix));
}

export function secondFactorMethodsOf(citizen: CitizenRow, allowedCountryPrefixes: string[]): SecondFactorMethod[] {
  return [
    ...(smsAllowed(citizen.phone, allowedCountryPrefixes) ? ['sms' as const] : []),
    ...(citizen.totpSecret ? ['app' as const] : []),
  ];
}
