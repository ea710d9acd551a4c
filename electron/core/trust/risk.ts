/**
 * The risk level of a security brief, derived from its facts by the rule documented in
 * docs/security-brief.md (keep the two in step: each rule id below is a row there). The level is
 * the highest level of any rule that applies; every rule that applies is listed, so the level is
 * never shown without its reasons.
 */
import type { Permissions } from '../../common/manifest';
import type { BriefAdvisory, RiskLevel, RiskReason } from '../../common/security-brief';
import { fsBreadth, netShape } from './words';

export interface RiskFacts {
  permissions: Permissions;
  signed: boolean;
  /** The signing key differs from the key pinned for this id (installing accepts a new key). */
  keyChanged: boolean;
  advisories: BriefAdvisory[];
  /** An update: permissions it declares that the installed version does not. */
  added?: number;
}

const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

export function assessRisk(f: RiskFacts): { level: RiskLevel; reasons: RiskReason[] } {
  const reasons: RiskReason[] = [];
  const add = (rule: string, level: RiskLevel, words: string) => reasons.push({ rule, level, words });
  const p = f.permissions;
  const reads = p['fs.read'] ?? [];
  const writes = p['fs.write'] ?? [];
  const nets = p.net ?? [];

  // H1: files across the whole home folder or the whole computer.
  const broad = [...reads, ...writes].filter((x) => fsBreadth(x) !== 'folder');
  if (broad.length) add('H1', 'high', `it may reach files across ${wholeOf(broad)} (${broad.join(', ')})`);
  // H2: any host on the network.
  const anyHost = nets.filter((x) => netShape(x).breadth === 'any');
  if (anyHost.length) add('H2', 'high', `it may connect to any website (${anyHost.join(', ')})`);
  // H3 / M6 / L2: advisories in bundled packages, by severity (MAL-*: known malicious).
  const bySeverity = (test: (a: BriefAdvisory) => boolean) => f.advisories.filter(test).map((a) => a.id);
  const severe = bySeverity((a) => a.severity === 'critical' || a.severity === 'high' || a.id.startsWith('MAL-'));
  if (severe.length) add('H3', 'high', `bundled packages have high or critical advisories (${severe.join(', ')})`);
  // H4: someone else now signs this id.
  if (f.keyChanged) add('H4', 'high', 'it is signed by a different key than the one pinned for this extension');

  // M1: changes files (not already counted by H1).
  const narrowWrites = writes.filter((x) => fsBreadth(x) === 'folder');
  if (narrowWrites.length) add('M1', 'medium', `it may create, change and delete files (${narrowWrites.join(', ')})`);
  // M2: what it reads can leave the computer.
  if (reads.length && nets.length) add('M2', 'medium', 'it may read your files and connect to the network');
  // M3: a whole domain, any port or unencrypted http.
  const loose = nets.filter((x) => {
    const s = netShape(x);
    return s.breadth === 'domain' || s.insecure || s.anyPort;
  });
  const looseNamed = loose.filter((x) => !anyHost.includes(x));
  if (looseNamed.length)
    add('M3', 'medium', `it may connect to whole domains, any port or without encryption (${looseNamed.join(', ')})`);
  // M4: secrets.
  if (p.secrets?.length) add('M4', 'medium', `it may use your secrets (${p.secrets.join(', ')})`);
  // M5: nobody signed it.
  if (!f.signed) add('M5', 'medium', 'it is an unsigned developer copy: nobody vouches for who wrote it');
  const moderate = bySeverity((a) => (a.severity === 'moderate' || a.severity === 'unknown') && !severe.includes(a.id));
  if (moderate.length) add('M6', 'medium', `bundled packages have moderate advisories (${moderate.join(', ')})`);
  // M7: an update that asks for more.
  if (f.added) add('M7', 'medium', `this update asks for ${f.added} permission${f.added === 1 ? '' : 's'} more`);

  const low = bySeverity((a) => a.severity === 'low' && !severe.includes(a.id));
  if (low.length) add('L2', 'low', `bundled packages have low-severity advisories (${low.join(', ')})`);

  const level = reasons.reduce<RiskLevel>((m, r) => (RANK[r.level] > RANK[m] ? r.level : m), 'low');
  if (level === 'low') add('L1', 'low', 'no rule for medium or high risk applies');
  // Highest first, so the reason for the level leads.
  reasons.sort((a, b) => RANK[b.level] - RANK[a.level]);
  return { level, reasons };
}

function wholeOf(patterns: string[]): string {
  return patterns.some((x) => fsBreadth(x) === 'computer') ? 'the whole computer' : 'your whole home folder';
}
