import { expect } from 'chai';
import { decideSso, isLive, type SsoRequest, type SsoTimeouts } from '../../../src/core/sso/decision.ts';
import { levels } from '../../../src/core/levels.ts';
import type { SsoSessionRow } from '../../../src/stores/index.ts';

const minute = 60_000;
const start = 1_800_000_000_000;
const timeouts: SsoTimeouts = { idleSeconds: 15 * 60, absoluteSeconds: 3 * 3600, endOnAddressChange: false };
const session = (changes: Partial<SsoSessionRow> = {}): SsoSessionRow => ({
  id: 's',
  browserId: 'b',
  federation: 'belastingen',
  citizenId: 'c1',
  level: 'basis',
  authenticatedAt: start,
  startedAt: start,
  lastActivityAt: start,
  clientAddress: '192.0.2.1',
  endedAt: null,
  ...changes,
});
const request = (changes: Partial<SsoRequest> = {}): SsoRequest => ({
  requiredLevel: levels.basis,
  forceAuthentication: false,
  clientAddress: '192.0.2.1',
  ...changes,
});

describe('SSO decision (src/core/sso/decision.ts)', () => {
  it('reuses a live session at the required level or higher', () => {
    expect(decideSso(session(), request(), start + minute, timeouts).kind).to.equal('reuse');
    expect(decideSso(session({ level: 'midden' }), request(), start + minute, timeouts).kind).to.equal('reuse');
  });

  it('steps a lower session up (same citizen, second factor) instead of accepting it', () => {
    const decision = decideSso(session(), request({ requiredLevel: levels.midden }), start + minute, timeouts);
    expect(decision).to.deep.equal({ kind: 'step_up', session: session() });
  });

  it('asks for credentials without a session and after logout', () => {
    expect(decideSso(undefined, request(), start, timeouts)).to.deep.equal({
      kind: 'authenticate',
      reason: 'no_session',
    });
    expect(decideSso(session({ endedAt: start }), request(), start + 1, timeouts)).to.deep.equal({
      kind: 'authenticate',
      reason: 'ended',
    });
  });

  it('ends at the idle timeout, counted from the last activity', () => {
    expect(decideSso(session(), request(), start + 15 * minute - 1, timeouts).kind).to.equal('reuse');
    expect(decideSso(session(), request(), start + 15 * minute, timeouts)).to.deep.equal({
      kind: 'authenticate',
      reason: 'idle',
    });
    const active = session({ lastActivityAt: start + 14 * minute });
    expect(decideSso(active, request(), start + 28 * minute, timeouts).kind).to.equal('reuse');
  });

  it('ends at the absolute timeout, whatever the activity', () => {
    const busy = session({ lastActivityAt: start + 3 * 60 * minute - minute });
    expect(decideSso(busy, request(), start + 3 * 60 * minute - 1, timeouts).kind).to.equal('reuse');
    expect(decideSso(busy, request(), start + 3 * 60 * minute, timeouts)).to.deep.equal({
      kind: 'authenticate',
      reason: 'absolute',
    });
    expect(isLive(busy, start + 3 * 60 * minute, timeouts)).to.equal(false);
  });

  it('re-authenticates when forced (ForceAuthn, prompt=login) and when max_age is exceeded', () => {
    expect(decideSso(session(), request({ forceAuthentication: true }), start + minute, timeouts)).to.deep.equal({
      kind: 'authenticate',
      reason: 'forced',
    });
    expect(decideSso(session(), request({ maxAgeSeconds: 60 }), start + minute, timeouts).kind).to.equal('reuse');
    expect(decideSso(session(), request({ maxAgeSeconds: 60 }), start + minute + 1, timeouts)).to.deep.equal({
      kind: 'authenticate',
      reason: 'max_age',
    });
  });

  it('ends on a changed client address only when configured', () => {
    const elsewhere = request({ clientAddress: '198.51.100.7' });
    expect(decideSso(session(), elsewhere, start + minute, timeouts).kind).to.equal('reuse');
    expect(decideSso(session(), elsewhere, start + minute, { ...timeouts, endOnAddressChange: true })).to.deep.equal({
      kind: 'authenticate',
      reason: 'address_changed',
    });
  });
});
