// The activity table of Mijn Poortwachter speaks in sentences (src/account/activity.ts): the
// webdienst and the level where the event has them, a general sentence for kinds without their own.
import { expect } from 'chai';
import { activitySentence } from '../../src/account/activity.ts';
import { translator } from '../../src/http/i18n.ts';
import type { AuditEventRow } from '../../src/stores/index.ts';

const event = (overrides: Partial<AuditEventRow>): AuditEventRow => ({
  id: 1,
  at: Date.UTC(2026, 11, 3, 9, 30),
  type: 'login.authenticated',
  outcome: 'success',
  reason: null,
  citizenId: 'citizen-1',
  webdienstId: 'wd-1',
  clientAddress: '192.0.2.1',
  details: {},
  ...overrides,
});
const names = new Map([['wd-1', 'Gemeente Voorbeeld']]);

function text(row: AuditEventRow, locale: 'nl' | 'en' = 'nl'): string {
  const t = translator(locale);
  const sentence = activitySentence(row, names, t);
  return t(sentence.key, sentence.params);
}

describe('activity sentences of Mijn Poortwachter (src/account/activity.ts)', () => {
  it('names the webdienst and the level of a login, in Dutch and in English', () => {
    const login = event({ details: { level: 'midden' } });
    expect(text(login)).to.equal('Ingelogd bij Gemeente Voorbeeld (niveau Midden)');
    expect(text(login, 'en')).to.equal('Logged in to Gemeente Voorbeeld (level Midden)');
    expect(text(event({ type: 'login.sso_reused', details: { level: 'basis' } }))).to.equal(
      'Ingelogd bij Gemeente Voorbeeld zonder opnieuw in te loggen (niveau Basis)',
    );
  });

  it('says to which webdienst the BSN went, and "een webdienst" for one that is gone', () => {
    expect(text(event({ type: 'bsn.released', details: { protocol: 'oidc' } }))).to.equal(
      'Uw BSN is doorgegeven aan Gemeente Voorbeeld',
    );
    expect(text(event({ type: 'bsn.released', webdienstId: 'removed' }))).to.equal(
      'Uw BSN is doorgegeven aan een webdienst',
    );
    expect(text(event({ type: 'login.authenticated', webdienstId: null }))).to.equal('Ingelogd bij een webdienst');
  });

  it('describes the life-cycle events without their raw names', () => {
    expect(text(event({ type: 'account.activation', webdienstId: null }))).to.equal(
      'Account geactiveerd met de code uit de brief',
    );
    expect(text(event({ type: 'citizen.password_changed', webdienstId: null }), 'en')).to.equal('Password changed');
  });

  it('falls back to a general sentence for an event kind without its own, never showing the raw name', () => {
    const unknown = event({ type: 'something.new_kind', webdienstId: null });
    expect(text(unknown)).to.equal('Andere activiteit op uw account');
    expect(text(unknown, 'en')).to.equal('Other activity on your account');
  });

  it('has a sentence in both languages for every kind of event a citizen sees', () => {
    const nl = translator('nl');
    const en = translator('en');
    for (const type of [
      'login.password',
      'login.second_factor',
      'login.cancelled',
      'second_factor.sms_sent',
      'account.session_started',
      'account.logged_out',
      'citizen.created',
      'citizen.phone_changed',
      'citizen.recovery',
    ]) {
      const sentence = activitySentence(event({ type }), names, nl);
      expect(sentence.key, type).to.equal(`account.activity.${type}`);
      expect(en(sentence.key, sentence.params), type).to.not.equal(nl(sentence.key, sentence.params));
    }
  });
});
