// A birth date as citizens type it (day-month-year, the Dutch order): 14-03-1985, 14/3/1985,
// 14 3 1985; 00 for the parts the register does not know. Returns 'YYYY-MM-DD' or '' when the text
// is not such a date.
export function parseBirthDate(input: string): string {
  const match = /^\s*(\d{1,2})[\s./-]+(\d{1,2})[\s./-]+(\d{4})\s*$/.exec(input);
  if (!match) return '';
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1850 || month > 12 || day > 31 || (month === 0 && day !== 0)) return '';
  if (day !== 0 && month !== 0) {
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCDate() !== day) return '';
  }
  return `${String(year)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
