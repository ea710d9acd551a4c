/**
 * How targets become profile terms: a URL becomes its exact host and its registrable domain
 * (from the Public Suffix List, so `a.example.co.uk` and `b.example.co.uk` are one site but
 * `x.github.io` and `y.github.io` are two); a path becomes a prefix a few levels below the root
 * the grant covered, so reading new files in a known folder is not news but a new folder tree is.
 */

// tldts builds its Public Suffix List trie as it loads (0.15 MB of code, much of a one-shot
// `warden run`'s start-up garbage), and most runs never name a URL: it loads at the first one.
let tld: typeof import('tldts') | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
const tldts = (): typeof import('tldts') => (tld ??= require('tldts') as typeof import('tldts'));

export interface Destination {
  host: string;
  domain: string;
}

export function destinationOf(target: string | undefined): Destination | undefined {
  if (!target) return undefined;
  let host: string | null = null;
  try {
    host = new URL(target).hostname;
  } catch {
    host = tldts().getHostname(target);
  }
  if (!host) return undefined;
  host = host.toLowerCase().replace(/^\[|\]$/g, '');
  // An address literal or a single label has no registrable domain: it is its own site.
  const domain = tldts().getDomain(host, { allowPrivateDomains: true }) ?? host;
  return { host, domain };
}

const split = (p: string): string[] => p.split(/[\\/]+/).filter((s) => s.length > 0);

/**
 * The prefix of `target` at most `depth` segments below `root` (the grant's fixed part). Without a
 * root, the path's first `depth + 2` segments (`~/Documents/projects` for depth 1 under a home path).
 * The last segment is dropped when it is the target itself, so one folder's files share a prefix.
 */
export function pathPrefix(target: string, root: string | undefined, depth: number): string {
  const leading = target.startsWith('/') ? '/' : '';
  const parts = split(target);
  const dir = parts.slice(0, -1);
  let keep: number;
  if (root && (target === root || target.startsWith(root.endsWith('/') ? root : `${root}/`))) {
    keep = split(root).length + depth;
  } else {
    keep = depth + 2;
  }
  return leading + dir.slice(0, Math.min(keep, dir.length)).join('/');
}
