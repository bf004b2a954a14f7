// The text of mail to organisation contacts: Dutch first, English below (the contacts of a Dutch
// government organisation read Dutch; a supplier abroad reads the English). Plain text; what comes
// from a registration (names, a certificate's subject) is written on lines of its own.
import type { StatusDisruptionRow } from '../stores/index.ts';
import type { MaintenanceState } from '../core/maintenance.ts';
import { localTime } from '../http/local-time.ts';
import type { CertificateExpiry } from './certificate-expiries.ts';

export interface MailText {
  subject: string;
  body: string;
}

const rule = '\n\n---------------------------------------------\n\n';

/** The certificate's use in Dutch: signing, encryption, key KID, encryption key KID. */
const dutchUse = (use: string): string =>
  use
    .replace(/^encryption key /, 'versleutelsleutel ')
    .replace(/^key /, 'sleutel ')
    .replace('signing', 'ondertekenen')
    .replace('encryption', 'versleutelen');

function certificateLines(
  expiry: CertificateExpiry,
  labels: [string, string, string, string, string],
  use: string,
): string {
  const [webdienst, useLabel, subject, fingerprint, expires] = labels;
  return [
    `${webdienst}: ${expiry.webdienstName} (${expiry.clientId})`,
    `${useLabel}: ${use}`,
    `${subject}: ${expiry.subject}`,
    `${fingerprint}: ${expiry.fingerprint}`,
    `${expires}: ${new Date(expiry.notAfter).toISOString()}`,
  ].join('\n');
}

/** A warning at `thresholdDays` before the certificate's end; 0: it has ended. */
export function certificateExpiryMail(expiry: CertificateExpiry, thresholdDays: number): MailText {
  const expired = thresholdDays === 0;
  const days = Math.max(expiry.daysLeft, 0);
  const inDays =
    days === 0
      ? { nl: 'binnen een dag', en: 'within a day' }
      : { nl: `over ${days} ${days === 1 ? 'dag' : 'dagen'}`, en: `in ${days} ${days === 1 ? 'day' : 'days'}` };
  const what = expired
    ? {
        nl: `Het certificaat hieronder van uw webdienst ${expiry.webdienstName} is verlopen. Poortwachter accepteert het niet meer: wat ermee ondertekend of versleuteld is, wordt geweigerd. Inloggen via deze webdienst kan mislukken tot er een geldig certificaat geregistreerd is.`,
        en: `The certificate below of your webdienst ${expiry.webdienstName} has expired. Poortwachter no longer accepts it: what is signed or encrypted with it is refused. Logging in through this webdienst may fail until a valid certificate is registered.`,
      }
    : {
        nl: `Het certificaat hieronder van uw webdienst ${expiry.webdienstName} verloopt ${inDays.nl}. Daarna accepteert Poortwachter het niet meer en kan inloggen via deze webdienst mislukken.`,
        en: `The certificate below of your webdienst ${expiry.webdienstName} expires ${inDays.en}. After that Poortwachter no longer accepts it, and logging in through this webdienst may fail.`,
      };
  const nl = [
    'Beste technisch contactpersoon,',
    what.nl,
    certificateLines(
      expiry,
      ['Webdienst', 'Gebruik', 'Certificaat', 'Vingerafdruk (SHA-256)', 'Geldig tot'],
      dutchUse(expiry.use),
    ),
    expiry.protocol === 'saml'
      ? 'Wat te doen: vraag een nieuw PKIoverheid-certificaat aan, zet het naast het huidige in de SAML-metadata van uw webdienst en laat de beheerder van Poortwachter de metadata opnieuw inlezen. Haal het oude certificaat pas weg als het nieuwe in gebruik is.'
      : 'Wat te doen: vraag een nieuw PKIoverheid-certificaat aan, voeg een nieuwe sleutel met dat certificaat (x5c) toe aan de JWKS van uw webdienst en laat de beheerder van Poortwachter de registratie bijwerken. Haal de oude sleutel pas weg als de nieuwe in gebruik is.',
    'Met vriendelijke groet,\nPoortwachter',
  ].join('\n\n');
  const en = [
    'Dear technical contact,',
    what.en,
    certificateLines(expiry, ['Webdienst', 'Use', 'Certificate', 'Fingerprint (SHA-256)', 'Valid until'], expiry.use),
    expiry.protocol === 'saml'
      ? "What to do: request a new PKIoverheid certificate, add it beside the current one in your webdienst's SAML metadata, and have Poortwachter's operator import the metadata again. Remove the old certificate only once the new one is in use."
      : "What to do: request a new PKIoverheid certificate, add a new key with that certificate (x5c) to your webdienst's JWKS, and have Poortwachter's operator update the registration. Remove the old key only once the new one is in use.",
    'Kind regards,\nPoortwachter',
  ].join('\n\n');
  const subject = expired
    ? `Certificaat verlopen / Certificate expired: ${expiry.webdienstName}`
    : `Certificaat verloopt ${inDays.nl} / Certificate expires ${inDays.en}: ${expiry.webdienstName}`;
  return { subject: subject.replace(/\p{Cc}/gu, ' ').slice(0, 300), body: `${nl}${rule}${en}\n` };
}

export function maintenanceMail(state: MaintenanceState): MailText {
  const until =
    state.expectedEndAt === null
      ? undefined
      : { nl: localTime(state.expectedEndAt, 'nl'), en: localTime(state.expectedEndAt, 'en') };
  const nl = [
    'Beste contactpersoon,',
    `Poortwachter is sinds ${localTime(state.startedAt, 'nl')} in onderhoud. Burgers kunnen in die tijd niet inloggen bij uw webdiensten.${until ? ` Wij verwachten het onderhoud af te ronden op ${until.nl}.` : ''}`,
    ...(state.messageNl ? [state.messageNl] : []),
    'Met vriendelijke groet,\nPoortwachter',
  ].join('\n\n');
  const en = [
    'Dear contact,',
    `Poortwachter has been under maintenance since ${localTime(state.startedAt, 'en')}. Citizens cannot log in to your webdiensten meanwhile.${until ? ` We expect to finish by ${until.en}.` : ''}`,
    ...(state.messageEn ? [state.messageEn] : []),
    'Kind regards,\nPoortwachter',
  ].join('\n\n');
  return { subject: 'Poortwachter in onderhoud / Poortwachter under maintenance', body: `${nl}${rule}${en}\n` };
}

export function disruptionMail(disruption: StatusDisruptionRow): MailText {
  const period = (locale: 'nl' | 'en') =>
    `${localTime(disruption.startsAt, locale)} – ${localTime(disruption.endsAt, locale)}`;
  const nl = [
    'Beste contactpersoon,',
    `Op de statuspagina van Poortwachter staat een nieuwe melding van een storing of gepland onderhoud:`,
    `${disruption.titleNl}\n${period('nl')}`,
    ...(disruption.descriptionNl ? [disruption.descriptionNl] : []),
    'Met vriendelijke groet,\nPoortwachter',
  ].join('\n\n');
  const en = [
    'Dear contact,',
    "Poortwachter's status page has a new notice of a disruption or planned maintenance:",
    `${disruption.titleEn}\n${period('en')}`,
    ...(disruption.descriptionEn ? [disruption.descriptionEn] : []),
    'Kind regards,\nPoortwachter',
  ].join('\n\n');
  const subject = `Poortwachter: ${disruption.titleNl} / ${disruption.titleEn}`;
  return { subject: subject.replace(/\p{Cc}/gu, ' ').slice(0, 300), body: `${nl}${rule}${en}\n` };
}
