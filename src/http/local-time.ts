// A moment as the citizen reads it: Dutch or English, in Dutch time (the service's only time zone).
import type { Locale } from './i18n.ts';

const formats: Record<Locale, Intl.DateTimeFormat> = {
  nl: new Intl.DateTimeFormat('nl-NL', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Amsterdam' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Amsterdam' }),
};

export function localTime(at: number, locale: Locale): string {
  return formats[locale].format(new Date(at));
}
