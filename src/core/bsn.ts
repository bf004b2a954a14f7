// The burgerservicenummer and its 11-check.
const weights = [9, 8, 7, 6, 5, 4, 3, 2, -1];

export function isValidBsn(value: string): boolean {
  if (!/^\d{9}$/.test(value) || value === '000000000') return false;
  const sum = [...value].reduce((total, digit, index) => total + Number(digit) * weights[index]!, 0);
  return sum % 11 === 0;
}
