// The notifier: tells a citizen what happened to their account on every channel the account has.
// SMS goes through the SMS gateway (its country-prefix guard included). The texts come from the
// language files in the citizen's language; they never hold a code or a link that acts.
import type { Notifier, NotificationKind } from '../../core/notifications/notifier.ts';
import type { SmsGateway } from '../../core/second-factor/sms-gateway.ts';
import { isLocale, translator } from '../../http/i18n.ts';

export function createNotifier(deps: { sms: SmsGateway }): Notifier {
  return {
    async notify(citizen, kind: NotificationKind) {
      const t = translator(isLocale(citizen.locale) ? citizen.locale : 'nl');
      let sms = false;
      if (citizen.phone) {
        try {
          await deps.sms.send({ to: citizen.phone, text: t(`notify.${kind}`), purpose: `notify_${kind}` });
          sms = true;
        } catch {
          // A message that cannot be delivered does not undo what happened; the caller audits the result.
          sms = false;
        }
      }
      return { sms, email: false };
    },
  };
}
