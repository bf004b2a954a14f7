import { expect } from 'chai';
import { applyPhoneChange, hasSecondFactor, provesSecondFactor } from '../../src/account/phone-change.ts';
import { createAuditLog } from '../../src/core/audit.ts';
import { levels } from '../../src/core/levels.ts';
import { SmsGatewayError, type SmsGateway, type SmsMessage } from '../../src/core/second-factor/sms-gateway.ts';
import type { CitizenRow } from '../../src/stores/index.ts';
import { FakeClock } from '../support/clock.ts';
import { databaseKinds } from '../support/databases.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

const citizen: CitizenRow = {
  id: '11111111-1111-4111-8111-111111111111',
  username: 'burger',
  passwordHash: 'x',
  bsn: '999990019',
  phone: '+31612345678',
  status: 'active',
  locale: 'nl',
  passwordRecoveryRequired: false,
  totpSecret: null,
  alwaysSecondFactor: false,
  createdAt: 0,
  updatedAt: 0,
};

describe('phone change rules (src/account/phone-change.ts)', () => {
  const onlyDutch = {
    oneTimeCodes: {
      isNumberAllowed: (phone: string | null): phone is string => phone !== null && phone.startsWith('+31'),
    },
  };

  it('counts an SMS number within the allowed prefixes or an app as a second factor, nothing else', () => {
    expect(hasSecondFactor(onlyDutch, citizen)).to.equal(true);
    expect(hasSecondFactor(onlyDutch, { ...citizen, phone: null, totpSecret: 'SECRET' })).to.equal(true);
    expect(hasSecondFactor(onlyDutch, { ...citizen, phone: null })).to.equal(false);
    expect(hasSecondFactor(onlyDutch, { ...citizen, phone: '+447700900123' })).to.equal(false);
  });

  it('accepts only a Midden (or higher) authentication of the same citizen as proof', () => {
    const at = Date.now();
    expect(
      provesSecondFactor(
        { outcome: 'authenticated', citizenId: citizen.id, level: levels.midden, authenticatedAt: at },
        citizen,
      ),
    ).to.equal(true);
    expect(
      provesSecondFactor(
        { outcome: 'authenticated', citizenId: citizen.id, level: levels.basis, authenticatedAt: at },
        citizen,
      ),
    ).to.equal(false);
    expect(
      provesSecondFactor(
        { outcome: 'authenticated', citizenId: 'someone-else', level: levels.midden, authenticatedAt: at },
        citizen,
      ),
    ).to.equal(false);
    expect(provesSecondFactor({ outcome: 'cancelled' }, citizen)).to.equal(false);
    expect(provesSecondFactor({ outcome: 'unmet' }, citizen)).to.equal(false);
  });
});

for (const kind of databaseKinds) {
  describe(`applying a phone change (src/account/phone-change.ts, ${kind})`, () => {
    let opened: TestStore;
    const clock = new FakeClock();
    beforeEach(async () => {
      opened = await openTestStore(kind);
      await opened.store.insertCitizen({
        id: citizen.id,
        username: citizen.username,
        passwordHash: 'x',
        bsn: citizen.bsn,
        phone: citizen.phone,
        status: 'active',
        locale: 'en',
        createdAt: 0,
        updatedAt: 0,
      });
    });
    afterEach(() => opened.close());

    const deps = (sms: SmsGateway) => ({ store: opened.store, sms, audit: createAuditLog(opened.store, clock), clock });

    it("ends the OIDC sessions and other account sessions of this citizen only, and tells the old number in the citizen's language", async () => {
      const sent: SmsMessage[] = [];
      const far = clock.now() + 3_600_000;
      await opened.store.upsertOidcPayload('Session', 'mine', { accountId: citizen.id }, far);
      await opened.store.upsertOidcPayload('Session', 'theirs', { accountId: 'someone-else' }, far);
      await opened.store.upsertOidcPayload('Grant', 'grant', { accountId: citizen.id }, far);
      for (const [id, citizenId] of [
        ['keep', citizen.id],
        ['other', citizen.id],
        ['foreign', 'someone-else'],
      ]) {
        await opened.store.insertAccountSession({
          id: id!,
          citizenId: citizenId!,
          level: 'basis',
          createdAt: clock.now(),
          expiresAt: far,
          pendingPhone: null,
          pendingPhoneRef: null,
        });
      }
      for (const [id, citizenId] of [
        ['sso-mine', citizen.id],
        ['sso-theirs', 'someone-else'],
      ]) {
        await opened.store.saveSsoAuthentication({
          id: id!,
          browserId: 'b',
          federation: 'f',
          citizenId: citizenId!,
          level: 'basis',
          authenticatedAt: clock.now(),
          startedAt: clock.now(),
          lastActivityAt: clock.now(),
          clientAddress: '10.0.0.1',
        });
      }
      const applied = await applyPhoneChange(
        deps({
          kind: 'outbox',
          send: (message) => {
            sent.push(message);
            return Promise.resolve();
          },
        }),
        {
          citizen: { ...citizen, locale: 'en' },
          newPhone: '+31687654321',
          keepAccountSessionId: 'keep',
          clientAddress: '10.0.0.1',
        },
      );
      expect(applied).to.deep.equal({
        endedOidcSessions: 1,
        endedAccountSessions: 1,
        endedSsoSessions: 1,
        oldNumberNotified: true,
      });
      expect((await opened.store.findSsoSession('sso-mine'))!.endedAt).to.equal(clock.now());
      expect((await opened.store.findSsoSession('sso-theirs'))!.endedAt).to.equal(null);
      expect((await opened.store.findCitizenById(citizen.id))!.phone).to.equal('+31687654321');
      expect(await opened.store.findOidcPayload('Session', 'mine', clock.now())).to.equal(undefined);
      expect(await opened.store.findOidcPayload('Session', 'theirs', clock.now())).to.not.equal(undefined);
      expect(await opened.store.findOidcPayload('Grant', 'grant', clock.now()), 'only Session rows').to.not.equal(
        undefined,
      );
      expect(await opened.store.findAccountSession('keep', clock.now())).to.not.equal(undefined);
      expect(await opened.store.findAccountSession('other', clock.now())).to.equal(undefined);
      expect(await opened.store.findAccountSession('foreign', clock.now())).to.not.equal(undefined);
      expect(sent).to.deep.equal([
        {
          to: '+31612345678',
          text: 'The phone number of your Poortwachter account has been changed. Was this not you? Contact the Poortwachter helpdesk at once.',
          purpose: 'phone_changed',
        },
      ]);
    });

    it('keeps a change the citizen proved when the gateway cannot deliver the notice, and records that the old number was not told', async () => {
      const failing: SmsGateway = {
        kind: 'http',
        send: () => Promise.reject(new SmsGatewayError('http_status', 'provider answered 503', { httpStatus: 503 })),
      };
      const applied = await applyPhoneChange(deps(failing), {
        citizen,
        newPhone: '+31687654321',
        keepAccountSessionId: 'keep',
        clientAddress: '10.0.0.1',
      });
      expect(applied.oldNumberNotified).to.equal(false);
      expect((await opened.store.findCitizenById(citizen.id))!.phone).to.equal('+31687654321');
      const [event] = await opened.store.listAuditEvents({ type: 'citizen.phone_changed' });
      expect(event!.details).to.deep.include({ oldNumberNotified: false, from: '+31*******78', to: '+31*******21' });
    });
  });
}
