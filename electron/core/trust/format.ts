/** A security brief as terminal text (`warden install`, `update`, `verify`): words first, patterns beside them. */
import type { BriefCapability, SecurityBrief } from '../../common/security-brief';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function capabilityLine(c: BriefCapability, mark = ' '): string {
  return `  ${mark} ${c.words}${c.pattern ? `  [${c.capability} ${c.pattern}]` : ''}`;
}

function keyLines(b: SecurityBrief): string[] {
  if (!b.signed || !b.key) return ['signature:  none — an unsigned developer copy; nobody vouches for who wrote it'];
  const k = b.key;
  const status =
    k.status === 'new'
      ? 'first seen: no key is pinned for this extension; this one will be pinned when you install'
      : k.status === 'pinned'
        ? `pinned since ${day(k.pinnedAt ?? 0)} (the same key as before)`
        : `DIFFERENT from the key pinned on ${day(k.pinnedAt ?? 0)} (${k.pinnedFingerprint}); ` +
          'installing needs --accept-new-key';
  return [`signature:  signed, key ${k.fingerprint}`, `key:        ${status}`];
}

export function formatBrief(b: SecurityBrief): string {
  const lines: string[] = [];
  const what = b.kind === 'update' ? `update ${b.from} → ${b.version}` : `install ${b.version}`;
  lines.push(`Security brief: ${b.name} (${b.id}), ${what}`);
  lines.push(`risk:       ${b.risk.level.toUpperCase()}`);
  for (const r of b.risk.reasons) lines.push(`  - ${r.words} (rule ${r.rule})`);
  lines.push(`publisher:  ${b.publisher}`);
  lines.push(...keyLines(b));
  lines.push(b.capabilities.length ? 'it can:' : 'it can:     nothing beyond its own storage');
  for (const c of b.capabilities) lines.push(capabilityLine(c, '•'));
  if (b.changes) {
    const { added, removed } = b.changes;
    lines.push(
      added.length || removed.length
        ? `permissions compared with ${b.from}:`
        : `permissions compared with ${b.from}: no change`,
    );
    for (const c of added) lines.push(capabilityLine(c, '+'));
    for (const c of removed) lines.push(capabilityLine(c, '-'));
  }
  lines.push('limits:');
  for (const l of b.limits) lines.push(`  • ${l}`);
  if (!b.components) lines.push('bundled packages: not listed (the package carries no SBOM)');
  else if (!b.components.length) lines.push('bundled packages: none');
  else {
    lines.push(`bundled packages (${b.components.length}):`);
    for (const c of b.components) lines.push(`  • ${c.name} ${c.version}${c.licence ? ` (${c.licence})` : ''}`);
  }
  if (!b.advisories.length) lines.push('advisories: none known');
  else {
    lines.push(`advisories (${b.advisories.length}):`);
    for (const a of b.advisories) {
      lines.push(
        `  ! ${a.id} in ${a.package}: ${a.severity}${a.fixed ? `, fixed in ${a.fixed}` : ''}${a.summary ? ` — ${a.summary}` : ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
