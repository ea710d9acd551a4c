/**
 * Vulnerable bundled packages for the panel: the trusted advisory feed (config.json
 * `advisoryFeed` / the kept feed, packages/advisories-store.ts) matched against every installed
 * extension's SBOM at start and at every refresh (the catalog timer; so a changed feed file is
 * noticed), each new finding audited once. Installs and updates from the panel are checked too:
 * refused when the admin policy's `advisories.refuseAtOrAbove` says so.
 */
import type { Logger } from '../platform/logger';
import type { AuditLog } from '../platform/audit-log';
import type { Policy } from '../permissions/policy';
import {
  atOrAbove,
  describeFinding,
  loadAdvisoryFeed,
  matchAdvisories,
  PackageError,
  recordFindings,
  scanInstalled,
  type AdvisoryFinding,
  type PackageSbom,
} from '../packages';

export interface AdvisoryWatch {
  /** Re-reads the feed and re-matches every installed extension (audits new findings). */
  refresh(): Promise<void>;
  findings(id: string): AdvisoryFinding[];
  /** For the registry: matches a package being installed, refusing what the policy refuses. */
  check(pkg: { id: string; version: string; sbom: PackageSbom }): Promise<AdvisoryFinding[]>;
}

export function createAdvisoryWatch(d: {
  dataDir: string;
  policy: Policy;
  audit?: AuditLog;
  logger: Logger;
  changed(): void;
}): AdvisoryWatch {
  let byId = new Map<string, AdvisoryFinding[]>();
  let lastProblem = '';
  return {
    async refresh() {
      const loaded = await loadAdvisoryFeed(d.dataDir);
      const problem = loaded.feed ? (loaded.problem ?? '') : '';
      if (problem && problem !== lastProblem) d.logger.warn(`advisory feed: ${problem}`);
      lastProblem = problem;
      const scan = await scanInstalled(d.dataDir, loaded.feed);
      const next = new Map(scan.filter((e) => e.findings.length).map((e) => [e.id, e.findings]));
      if (loaded.feed) {
        for (const f of await recordFindings(d.dataDir, scan)) {
          d.audit?.write({
            ext: f.id,
            kind: 'lifecycle',
            detail: `${f.version} bundles a package with an advisory: ${describeFinding(f.finding)}`,
          });
        }
      }
      const before = JSON.stringify([...byId]);
      byId = next;
      if (JSON.stringify([...byId]) !== before) d.changed();
    },
    findings: (id) => byId.get(id) ?? [],
    async check({ id, version, sbom }) {
      if (sbom.status !== 'present') return [];
      const { feed } = await loadAdvisoryFeed(d.dataDir);
      if (!feed) return [];
      const findings = matchAdvisories(sbom.components, feed);
      const threshold = d.policy.advisories?.refuseAtOrAbove ?? 'never';
      const refused = findings.find((f) => atOrAbove(f.severity, threshold));
      if (refused) {
        throw new PackageError(
          `${id} ${version} is refused: the admin policy refuses bundled packages with ${threshold} or worse advisories, ` +
            `and it bundles ${describeFinding(refused)}`,
          'refused',
        );
      }
      return findings;
    },
  };
}
