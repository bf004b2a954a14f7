// The certificate policy bound to this deployment: its environment, the trust anchors and CRLs loaded
// from the configured files, and the clock. Reloading re-reads the files (the server does so on a
// schedule, so a new CRL takes effect without a restart); verdicts are kept for a minute at most and
// dropped on every reload, so a revocation counts at the next use after the CRL that lists it is read.
import type { Config, Environment } from '../../../config/index.ts';
import type { Clock } from '../clock.ts';
import { checkCertificate, type CertificateCheck, type CertificateVerdict } from './certificate-policy.ts';
import { loadTrustMaterial, type TrustMaterial } from './trust-anchors.ts';

export interface CertificateTrust {
  readonly environment: Environment;
  check(input: CertificateCheck): CertificateVerdict;
  /** Reads the anchor and CRL files again; on an error the material loaded before stays in force. */
  reload(): void;
}

/** Whose certificates are checked: the webdienst's organisation and its registration flag. */
export interface CertificateOwner {
  oin: string;
  allowSelfSigned: boolean;
}

const verdictCacheMs = 60_000;

export function certificateTrust(options: {
  environment: Environment;
  clock: Clock;
  load: () => TrustMaterial;
}): CertificateTrust {
  let material = options.load();
  const verdicts = new Map<string, { verdict: CertificateVerdict; until: number }>();
  return {
    environment: options.environment,
    check(input) {
      const now = options.clock.now();
      const key =
        typeof input.certificate === 'string' && !input.intermediates?.length
          ? `${input.oin}|${input.allowSelfSigned}|${input.certificate}`
          : undefined;
      const hit = key === undefined ? undefined : verdicts.get(key);
      if (hit && hit.until > now) return hit.verdict;
      const verdict = checkCertificate(input, { environment: options.environment, trust: material, now });
      if (key !== undefined) {
        if (verdicts.size > 10_000) verdicts.clear();
        verdicts.set(key, { verdict, until: now + verdictCacheMs });
      }
      return verdict;
    },
    reload() {
      material = options.load();
      verdicts.clear();
    },
  };
}

/** The trust of a configuration: its anchor and CRL files, read now and at every reload. */
export function configuredCertificateTrust(
  config: Pick<Config, 'environment' | 'trust'>,
  clock: Clock,
): CertificateTrust {
  return certificateTrust({
    environment: config.environment,
    clock,
    load: () => loadTrustMaterial(config.trust, clock.now()),
  });
}

/** A trust without anchors: only what the environment accepts self-signed passes. */
export function anchorlessCertificateTrust(environment: Environment, clock: Clock): CertificateTrust {
  return certificateTrust({ environment, clock, load: () => ({ anchors: [], crls: [], loadedAt: clock.now() }) });
}

/**
 * The certificates of `list` that the policy accepts for this owner now; when none is, the verdict on
 * the first one, so the caller can name the rule.
 */
export function acceptedCertificates(
  trust: CertificateTrust,
  list: string[],
  owner: CertificateOwner,
): { accepted: string[]; refused?: Extract<CertificateVerdict, { accepted: false }> } {
  const accepted: string[] = [];
  let refused: Extract<CertificateVerdict, { accepted: false }> | undefined;
  for (const certificate of list) {
    const verdict = trust.check({ certificate, ...owner });
    if (verdict.accepted) accepted.push(certificate);
    else refused ??= verdict;
  }
  return accepted.length ? { accepted } : { accepted, ...(refused ? { refused } : {}) };
}
