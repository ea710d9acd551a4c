/**
 * The terms an update's approved permission diff makes expected: a destination the user approved
 * by name, a folder the user approved, a capability newly granted. Wildcard hosts approve nothing
 * (a new site under `https://*` is exactly what the baseline exists to notice).
 */
import { destinationOf } from './terms';

export function approvedTerms(added: Array<{ capability: string; pattern?: string }>): string[] {
  const out: string[] = [];
  for (const a of added) {
    out.push(`cap:${a.capability}`);
    if (!a.pattern) continue;
    if (a.capability === 'net' || a.capability.startsWith('net.')) {
      const host = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/i.exec(a.pattern)?.[1];
      if (!host || host.includes('*')) continue;
      const d = destinationOf(`https://${host}/`);
      if (d) out.push(`domain:${d.domain}`, `host:${d.host}`);
    } else if (a.capability.startsWith('fs.')) {
      // `~/Documents/**` approves new paths under `~/Documents` for that capability.
      const root = a.pattern.replace(/\/\*\*$|\/\*$/, '');
      if (!root.includes('*')) out.push(`root:${a.capability}:${root}`);
    }
  }
  return out;
}
