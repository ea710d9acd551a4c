/**
 * `createSecurityBrief`: what a user is told before an install or update, built from facts only
 * (gather.ts reads them from a package, a folder or a catalog, without installing anything).
 */
import type { Manifest, Permissions } from '../../common/manifest';
import type { AdvisorySeverity, BriefAdvisory, BriefComponent, SecurityBrief } from '../../common/security-brief';
import { ADVISORY_SEVERITIES } from '../../common/security-brief';
import { assessRisk } from './risk';
import { capabilityWords, limitWords, permissionChanges } from './words';

export interface BriefFacts {
  manifest: Manifest;
  /** The version installed now and its permissions (an update). */
  installed?: { version: string; permissions: Permissions };
  /** Signed: the package hash and key; absent for an unsigned developer copy. */
  signature?: {
    sha256: string;
    fingerprint: string;
    /** The key pinned for this id (kept after uninstall), if any. */
    pin?: { fingerprint: string; pinnedAt: number };
  };
  /** Bundled packages from the package's SBOM (absent: unknown). */
  components?: BriefComponent[];
  /** Advisories matched against those packages (severity as a feed writes it: HIGH, moderate…). */
  advisories?: { id: string; package: string; severity: string; fixed?: string; summary?: string }[];
}

function severityOf(s: string): AdvisorySeverity {
  const v = s.toLowerCase();
  if (v === 'medium') return 'moderate';
  return (ADVISORY_SEVERITIES as readonly string[]).includes(v) ? (v as AdvisorySeverity) : 'unknown';
}

export function createSecurityBrief(facts: BriefFacts): SecurityBrief {
  const m = facts.manifest;
  const sig = facts.signature;
  const keyStatus = !sig
    ? undefined
    : !sig.pin
      ? 'new'
      : sig.pin.fingerprint === sig.fingerprint
        ? 'pinned'
        : 'changed';
  const changes = facts.installed ? permissionChanges(facts.installed.permissions, m.permissions) : undefined;
  const advisories: BriefAdvisory[] = (facts.advisories ?? []).map((a) => ({
    id: a.id,
    package: a.package,
    severity: severityOf(a.severity),
    ...(a.fixed ? { fixed: a.fixed } : {}),
    ...(a.summary ? { summary: a.summary } : {}),
  }));
  return {
    kind: facts.installed ? 'update' : 'install',
    id: m.id,
    name: m.name,
    version: m.version,
    ...(facts.installed ? { from: facts.installed.version } : {}),
    publisher: m.publisher,
    signed: !!sig,
    ...(sig ? { sha256: sig.sha256 } : {}),
    ...(sig && keyStatus
      ? {
          key: {
            fingerprint: sig.fingerprint,
            status: keyStatus,
            ...(sig.pin ? { pinnedAt: sig.pin.pinnedAt } : {}),
            ...(keyStatus === 'changed' ? { pinnedFingerprint: sig.pin!.fingerprint } : {}),
          },
        }
      : {}),
    capabilities: capabilityWords(m.permissions),
    ...(changes ? { changes } : {}),
    limits: limitWords(m.limits, m.permissions),
    ...(facts.components ? { components: facts.components } : {}),
    advisories,
    risk: assessRisk({
      permissions: m.permissions,
      signed: !!sig,
      keyChanged: keyStatus === 'changed',
      advisories,
      ...(changes ? { added: changes.added.length } : {}),
    }),
  };
}
