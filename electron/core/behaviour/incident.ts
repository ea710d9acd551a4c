/**
 * An incident view for one finding: what the extension did around it (commands, versions,
 * destinations, paths, bytes) from the audit log, as data and as Markdown for a report.
 */
import { formatBytes } from './rules';
import type { Finding } from './types';

/** The audit-record fields an incident reads (a subset of the audit log's records). */
export interface IncidentRecord {
  time: number;
  ext: string;
  kind: string;
  capability?: string;
  target?: string;
  decision?: string;
  reason?: string;
  method?: string;
  bytes?: number;
  detail?: string;
  version?: string;
}

export interface Incident {
  finding: Finding;
  from: number;
  to: number;
  timeline: IncidentRecord[];
  summary: {
    commands: string[];
    versions: string[];
    destinations: Array<{ host: string; calls: number; bytes: number }>;
    paths: Array<{ path: string; calls: number; bytes: number }>;
    denied: number;
    totalBytes: number;
  };
}

export function buildIncident(
  finding: Finding,
  records: Iterable<IncidentRecord>,
  window: { beforeMs?: number; afterMs?: number } = {},
): Incident {
  const from = finding.t - (window.beforeMs ?? 15 * 60_000);
  const to = finding.t + (window.afterMs ?? 5 * 60_000);
  const timeline: IncidentRecord[] = [];
  for (const r of records) if (r.ext === finding.ext && r.time >= from && r.time <= to) timeline.push(r);
  timeline.sort((a, b) => a.time - b.time);
  const dest = new Map<string, { calls: number; bytes: number }>();
  const paths = new Map<string, { calls: number; bytes: number }>();
  const commands = new Set<string>();
  const versions = new Set<string>([finding.version]);
  let denied = 0;
  let totalBytes = 0;
  for (const r of timeline) {
    if (r.version) versions.add(r.version);
    if (r.decision === 'deny') denied++;
    if (r.kind === 'command' || r.capability === 'command') {
      if (r.target) commands.add(r.target);
      continue;
    }
    if (r.kind !== 'operation' || !r.target) continue;
    const bytes = r.bytes ?? 0;
    totalBytes += bytes;
    // Operation records name their method (`net.fetch`, `fs.readText`); decisions their capability.
    const cap = r.capability ?? r.method ?? '';
    const bucket = cap.startsWith('net') ? dest : cap.startsWith('fs') ? paths : undefined;
    if (!bucket) continue;
    let key = r.target;
    if (bucket === dest) {
      try {
        key = new URL(r.target).host;
      } catch {
        // keep the target as written
      }
    }
    const e = bucket.get(key) ?? { calls: 0, bytes: 0 };
    e.calls++;
    e.bytes += bytes;
    bucket.set(key, e);
  }
  return {
    finding,
    from,
    to,
    timeline,
    summary: {
      commands: [...commands],
      versions: [...versions],
      destinations: [...dest].map(([host, v]) => ({ host, ...v })).sort((a, b) => b.bytes - a.bytes),
      paths: [...paths].map(([p, v]) => ({ path: p, ...v })).sort((a, b) => b.calls - a.calls),
      denied,
      totalBytes,
    },
  };
}

const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');
// Table cells come from extension-chosen strings: keep them on one line and out of the table syntax.
const cell = (s: string | undefined): string => (s ?? '').replace(/[\r\n|`]/g, ' ').slice(0, 200);

export function incidentMarkdown(i: Incident): string {
  const f = i.finding;
  const lines = [
    `# Incident: ${cell(f.ext)} ${cell(f.version)}`,
    '',
    `- **Finding:** ${cell(f.why)}`,
    `- **Rule:** ${f.rule} · **severity:** ${f.severity} · **response:** ${f.response}${f.rollbackTo ? ` (roll back to ${cell(f.rollbackTo)})` : ''}`,
    `- **When:** ${iso(f.t)}${f.afterUpdate ? ` — ${f.hoursSinceUpdate ?? 0} h after an update` : ''}`,
    `- **Window:** ${iso(i.from)} → ${iso(i.to)}`,
    `- **Versions:** ${i.summary.versions.map(cell).join(', ')}`,
    `- **Commands run:** ${i.summary.commands.map(cell).join(', ') || 'none'}`,
    `- **Bytes moved:** ${formatBytes(i.summary.totalBytes)} · **denied:** ${i.summary.denied}`,
    '',
    '## Destinations',
    '',
    '| host | calls | bytes |',
    '| --- | ---: | ---: |',
    ...i.summary.destinations.map((d) => `| ${cell(d.host)} | ${d.calls} | ${formatBytes(d.bytes)} |`),
    '',
    '## Paths',
    '',
    '| path | calls | bytes |',
    '| --- | ---: | ---: |',
    ...i.summary.paths.map((p) => `| ${cell(p.path)} | ${p.calls} | ${formatBytes(p.bytes)} |`),
    '',
    '## Timeline',
    '',
    '| time | kind | capability | target | decision | bytes |',
    '| --- | --- | --- | --- | --- | ---: |',
    ...i.timeline.map(
      (r) =>
        `| ${iso(r.time)} | ${cell(r.kind)} | ${cell(r.capability)} | ${cell(r.target)} | ${cell(r.decision)} | ${r.bytes ?? ''} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
