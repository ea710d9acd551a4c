/** What an update adds to the manifest's permission ceiling (widening needs approval: install.ts). */
import type { Permissions } from '../../common/manifest';

export interface PermissionWidening {
  'fs.read': string[];
  'fs.write': string[];
  net: string[];
  secrets: string[];
  notifications: boolean;
}

const LIST_KEYS = ['fs.read', 'fs.write', 'net', 'secrets'] as const;

/** Patterns and secrets in `next` that `prev` did not declare (compared as written: conservative). */
export function permissionWidening(prev: Permissions, next: Permissions): PermissionWidening | undefined {
  const out: PermissionWidening = { 'fs.read': [], 'fs.write': [], net: [], secrets: [], notifications: false };
  let widened = false;
  for (const key of LIST_KEYS) {
    const before = new Set(prev[key] ?? []);
    for (const p of next[key] ?? []) {
      if (!before.has(p)) {
        out[key].push(p);
        widened = true;
      }
    }
  }
  if (next.notifications === true && prev.notifications !== true) {
    out.notifications = true;
    widened = true;
  }
  return widened ? out : undefined;
}

/** One line per capability, e.g. `fs.read: ~/Documents/**`. */
export function describePermissions(p: Permissions | PermissionWidening): string[] {
  const lines: string[] = [];
  for (const key of LIST_KEYS) {
    const list = p[key];
    if (list && list.length) lines.push(`${key}: ${list.join(', ')}`);
  }
  if (p.notifications) lines.push('notifications');
  return lines;
}
