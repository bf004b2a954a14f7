// Citizen text lives in language files (locales/*.json), Dutch first, English available.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const locales = ['nl', 'en'] as const;
export type Locale = (typeof locales)[number];

// The language files are ours: each one flat object of key -> text.
type Messages = Record<string, string>;
const read = (file: string): Messages =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../locales/${file}`, import.meta.url)), 'utf8')) as Messages;
// The admin console's text has files of its own (locales/beheer.*.json).
const messages: Record<Locale, Messages> = {
  nl: { ...read('nl.json'), ...read('beheer.nl.json') },
  en: { ...read('en.json'), ...read('beheer.en.json') },
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

export type Translate = (key: string, params?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  return (key, params = {}) => {
    const template = messages[locale][key] ?? messages.nl[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
}

export function hasMessage(key: string): boolean {
  return key in messages.nl;
}
