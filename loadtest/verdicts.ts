// What makes a load test run pass (issue 6, acceptance 5): no failed flow outside a fault window,
// nothing written before a fault missing or changed after it, an audit chain that verifies, and a
// service that serves again after each fault.
import type { FlowRecord } from './flow-log.ts';
import type { LossCheck } from './inventory.ts';
import { isFaultPhase, phaseOf, type FaultWindow } from './phases.ts';

export interface AuditVerifyResult {
  ok: boolean;
  events?: number;
  lastId?: number;
  problems: string[];
}

export interface Verdict {
  ok: boolean;
  text: string;
}

export function judge(
  flows: readonly FlowRecord[],
  windows: readonly FaultWindow[],
  lossChecks: ReadonlyArray<{ label: string; check: LossCheck }>,
  audit: AuditVerifyResult,
  expectedFaults: number,
): Verdict[] {
  const verdicts: Verdict[] = [];
  const failedOutside = flows.filter((flow) => !flow.ok && !isFaultPhase(phaseOf(flow, windows), windows));
  const failedInside = flows.filter((flow) => !flow.ok).length - failedOutside.length;
  verdicts.push({
    ok: failedOutside.length === 0,
    text: `failed flows outside the fault windows: ${failedOutside.length} (inside: ${failedInside})`,
  });
  verdicts.push({
    ok: windows.length === expectedFaults,
    text: `faults injected and recovered from: ${windows.length} of ${expectedFaults}`,
  });
  const last = windows.at(-1);
  const servedAfter = last ? flows.filter((flow) => flow.ok && flow.startedAt >= last.endsAt).length : 0;
  verdicts.push({ ok: servedAfter > 0, text: `flows that succeeded after the last fault window: ${servedAfter}` });
  for (const { label, check } of lossChecks) {
    verdicts.push({
      ok: check.lost === 0,
      text: `${label}: ${check.lost} lost (${check.auditEventsChecked} audit events checked, ${check.auditEventsMissing.length} missing, ${check.auditEventsChanged.length} changed; ${check.accountsChecked} accounts checked, ${check.accountsMissing.length} missing; citizens ${check.citizensBefore} -> ${check.citizensAfter})`,
    });
  }
  verdicts.push({
    ok: audit.ok,
    text: `poortwachter audit verify: ${audit.ok ? `ok, ${audit.events} events, last id ${audit.lastId}` : `FAILED ${audit.problems.join('; ')}`}`,
  });
  return verdicts;
}
