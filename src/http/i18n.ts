// Citizen text lives in language files (locales/*.json), Dutch first, English available.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const locales = ['nl', 'en'] as const;
export type Locale = (typeof locales)[number];

// The language files are ours: each one flat object of key -> text.
type Messages = Record<string, string>;
const messages: Record<Locale, Messages> = {
  nl: JSON.parse(readFileSync(fileURLToPath(new URL('../../locales/nl.json', import.meta.url)), 'utf8')) as Messages,
  en: JSON.parse(readFileSync(fileURLToPath(new URL('../../locales/en.json', import.meta.url)), 'utf8')) as Messages,
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
