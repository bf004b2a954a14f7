// The notifier: tells a citizen what happened to their account on every channel the account has:
// SMS through the SMS gateway (its country-prefix guard included) and e-mail over SMTP (nodemailer)
// when SMTP_URL is set and the citizen gave an address. The texts come from the language files in
// the citizen's language; they never hold a code or a link that acts. A channel that fails is
// reported to the caller, who audits it; it never undoes what happened.
import nodemailer from 'nodemailer';
import type { Config } from '../../../config/index.ts';
import type { Notifier, NotificationKind } from '../../core/notifications/notifier.ts';
import type { SmsGateway } from '../../core/second-factor/sms-gateway.ts';
import { isLocale, translator } from '../../http/i18n.ts';
import type { Store } from '../../stores/index.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export type SendMail = (message: MailMessage) => Promise<void>;

/** nodemailer over SMTP, or undefined when no SMTP server is configured. */
export function createSmtpMailer(mail: Config['mail']): SendMail | undefined {
  if (!mail.smtpUrl) return undefined;
  const transport = nodemailer.createTransport(mail.smtpUrl, { from: mail.from });
  return async (message) => {
    await transport.sendMail({ from: mail.from, to: message.to, subject: message.subject, text: message.text });
  };
}

export function createNotifier(deps: {
  sms: SmsGateway;
  sendMail?: SendMail;
  store: Pick<Store, 'findCitizenContact'>;
}): Notifier {
  return {
    async notify(citizen, kind: NotificationKind) {
      const t = translator(isLocale(citizen.locale) ? citizen.locale : 'nl');
      const text = t(`notify.${kind}`);
      let sms = false;
      let email = false;
      if (citizen.phone) {
        try {
          await deps.sms.send({ to: citizen.phone, text, purpose: `notify_${kind}` });
          sms = true;
        } catch {
          sms = false;
        }
      }
      const contact = deps.sendMail ? await deps.store.findCitizenContact(citizen.id) : undefined;
      if (deps.sendMail && contact) {
        try {
          await deps.sendMail({
            to: contact.email,
            subject: t('notify.subject'),
            text: `${text}\n\n${t('notify.signature')}\n`,
          });
          email = true;
        } catch {
          email = false;
        }
      }
      return { sms, email };
    },
  };
}
