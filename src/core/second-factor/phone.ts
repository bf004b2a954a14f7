/** A phone number as logs and pages may show it: country prefix and the last two digits (SECURITY-TESTS.md 11). */
export function maskedPhone(phone: string): string {
  const prefix = phone.slice(0, 3);
  return `${prefix}${'*'.repeat(Math.max(0, phone.length - prefix.length - 2))}${phone.slice(-2)}`;
}
