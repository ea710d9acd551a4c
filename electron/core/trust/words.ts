/**
 * Declared permissions and limits in plain words ("read files in Documents", "connect to
 * api.github.com"), and how broad each pattern is (what the risk rule weighs). The pattern itself
 * is always shown beside these words, never replaced by them.
 */
import type { Manifest, Permissions } from '../../common/manifest';
import { DEFAULT_LIMITS, type ResolvedLimits } from '../../common/limits';
import type { BriefCapability } from '../../common/security-brief';
import { compileNetPattern, type NetPattern } from '../gateways/net/url-policy';

const GLOB = /[*?]/;

/** How much of the disk an fs pattern reaches: all of it, the whole home folder, or less. */
export type FsBreadth = 'computer' | 'home' | 'folder';

interface FsShape {
  breadth: FsBreadth;
  /** The literal folders before the first glob ("~/Documents"). */
  place: string;
  /** The glob part after them ("**", "*", "*.md"); empty for an exact path. */
  rest: string;
}

function fsShape(pattern: string): FsShape {
  const segs = pattern.replace(/\\/g, '/').split('/');
  const firstGlob = segs.findIndex((s) => GLOB.test(s));
  const literal = firstGlob < 0 ? segs : segs.slice(0, firstGlob);
  const rest = firstGlob < 0 ? '' : segs.slice(firstGlob).join('/');
  const place = literal.join('/').replace(/\/+$/, '') || '/';
  const isRoot = place === '/' || /^[A-Za-z]:$/.test(place);
  const isHome = place === '~';
  // A glob right under the root or home reaches everything there, whatever the glob says.
  const breadth: FsBreadth = isRoot ? 'computer' : isHome && (rest !== '' || pattern === '~') ? 'home' : 'folder';
  return { breadth, place, rest };
}

export function fsBreadth(pattern: string): FsBreadth {
  return fsShape(pattern).breadth;
}

/** "Documents" for ~/Documents, the path itself for anything deeper or outside home. */
function placeName(place: string): string {
  const m = /^~\/([^/]+)$/.exec(place);
  return m ? m[1]! : place;
}

const FS_VERB = { 'fs.read': 'read', 'fs.write': 'create, change and delete' } as const;

export function fsWords(capability: 'fs.read' | 'fs.write', pattern: string): string {
  const verb = FS_VERB[capability];
  const { breadth, place, rest } = fsShape(pattern);
  if (breadth === 'computer') return `${verb} any file on this computer`;
  if (breadth === 'home') return `${verb} any file in your home folder`;
  const where = placeName(place);
  if (rest === '') return `${verb} ${place}`;
  if (rest === '**') return `${verb} files in ${where} and every folder inside it`;
  if (rest === '*') return `${verb} files directly in ${where}`;
  return `${verb} files matching "${rest}" in ${where}`;
}

/** How far a net pattern reaches: any host, any name under a domain, or one host. */
export type NetBreadth = 'any' | 'domain' | 'host';

export interface NetShape {
  breadth: NetBreadth;
  /** Plain http, or any port: readable or unusual connections. */
  insecure: boolean;
  anyPort: boolean;
}

function compiled(pattern: string): NetPattern | undefined {
  try {
    return compileNetPattern(pattern);
  } catch {
    return undefined;
  }
}

export function netShape(pattern: string): NetShape {
  const p = compiled(pattern);
  // A pattern the host cannot read matches nothing; weigh it as the widest to stay on the safe side.
  if (!p) return { breadth: 'any', insecure: true, anyPort: true };
  return {
    breadth: 'any' in p.host ? 'any' : 'suffix' in p.host ? 'domain' : 'host',
    insecure: p.protocol === 'http:',
    anyPort: p.port === '*',
  };
}

export function netWords(pattern: string): string {
  const p = compiled(pattern);
  if (!p) return `connect to ${pattern}`;
  const where =
    'any' in p.host ? 'any website' : 'suffix' in p.host ? `any address under ${p.host.suffix}` : p.host.exact;
  const port =
    p.port === '*' ? ' on any port' : p.port !== (p.protocol === 'https:' ? 443 : 80) ? ` on port ${p.port}` : '';
  const pathPart = /^\/?\*\*$/.test(pathOf(pattern)) ? '' : ` (only ${pathOf(pattern)})`;
  const plain = p.protocol === 'http:' ? ', unencrypted (http)' : '';
  return `connect to ${where}${port}${pathPart}${plain}`;
}

function pathOf(pattern: string): string {
  const m = /^https?:\/\/[^/]+(\/.*)?$/.exec(pattern);
  return m?.[1] ?? '/**';
}

/** Every declared permission, one entry per pattern, in manifest order. */
export function capabilityWords(p: Permissions): BriefCapability[] {
  const out: BriefCapability[] = [];
  for (const cap of ['fs.read', 'fs.write'] as const) {
    for (const pattern of p[cap] ?? []) out.push({ capability: cap, pattern, words: fsWords(cap, pattern) });
  }
  for (const pattern of p.net ?? []) out.push({ capability: 'net', pattern, words: netWords(pattern) });
  for (const name of p.secrets ?? [])
    out.push({ capability: 'secrets', pattern: name, words: `use your secret "${name}"` });
  if (p.notifications) out.push({ capability: 'notifications', words: 'show notifications' });
  return out;
}

/** Entries in `next` that `prev` does not declare (as written), and the reverse. */
export function permissionChanges(
  prev: Permissions,
  next: Permissions,
): { added: BriefCapability[]; removed: BriefCapability[] } {
  const key = (c: BriefCapability) => `${c.capability}\u0000${c.pattern ?? ''}`;
  const before = capabilityWords(prev);
  const after = capabilityWords(next);
  const had = new Set(before.map(key));
  const has = new Set(after.map(key));
  return { added: after.filter((c) => !had.has(key(c))), removed: before.filter((c) => !has.has(key(c))) };
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

const LIMIT_WORDS: Record<keyof ResolvedLimits, (v: number) => string> = {
  memoryMb: (v) => `memory: up to ${v} MB`,
  cpuPercent: (v) => `processor: up to ${v}% of one core`,
  callTimeoutMs: (v) => `each command is stopped after ${seconds(v)}`,
  storageMb: (v) => `its own stored data: up to ${v} MB`,
  hostCallsPerSecond: (v) => `host calls: up to ${v} a second`,
  netRequestsPerMinute: (v) => `network requests: up to ${v} a minute`,
  netMbPerMinute: (v) => `network traffic: up to ${v} MB a minute`,
  fsMbPerMinute: (v) => `file reads and writes: up to ${v} MB a minute`,
};

/** The limits it runs under, in words; a value the manifest sets says so, with the default. */
export function limitWords(limits: Manifest['limits'], permissions: Permissions = {}): string[] {
  const hasNet = (permissions.net?.length ?? 0) > 0;
  const keys = (Object.keys(LIMIT_WORDS) as (keyof ResolvedLimits)[]).filter(
    // Network budgets say nothing about an extension that cannot reach the network.
    (k) => hasNet || (k !== 'netRequestsPerMinute' && k !== 'netMbPerMinute'),
  );
  return keys.map((k) => {
    const own = limits[k];
    const line = LIMIT_WORDS[k](own ?? DEFAULT_LIMITS[k]);
    return own === undefined || own === DEFAULT_LIMITS[k]
      ? line
      : `${line} (its own setting; default ${DEFAULT_LIMITS[k]})`;
  });
}
