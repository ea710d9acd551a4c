/**
 * URL parsing and normalisation for the net gateway, and the matching of manifest net patterns.
 *
 * Every check is made on the WHATWG URL parser's interpretation — the same one the HTTP client
 * uses — never on the string the extension sent: `http://0x7f.1/`, `http://2130706433/`,
 * `http://１２７。０。０。１/` all become `127.0.0.1`, `http:\\evil.com\` becomes
 * `http://evil.com/`, `аpple.com` (Cyrillic а) becomes `xn--pple-43d.com`. On top of the parser:
 * http/https only, no userinfo (`allowed.com@evil.com` is refused, not "fixed"), one trailing dot
 * removed from the hostname, no fragment. The normalised `href` is what the broker authorizes
 * and exactly what the gateway then requests.
 */
import net from 'node:net';
import { WardenError } from '../../../common/errors';

export const MAX_URL_LENGTH = 8192;

/** Parses and normalises a URL an extension (or a redirect) asks for; EINVAL when unusable. */
export function normalizeRequestUrl(input: unknown): URL {
  if (typeof input !== 'string') throw new WardenError('EINVAL', 'net: the URL must be a string');
  if (input.length > MAX_URL_LENGTH) throw new WardenError('EINVAL', `net: the URL is longer than ${MAX_URL_LENGTH}`);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new WardenError('EINVAL', 'net: not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WardenError('EINVAL', `net: only http and https URLs are allowed, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new WardenError('EINVAL', 'net: URLs with a user name or password (userinfo) are not allowed');
  }
  // URL has already applied IDNA (punycode), lowercased and decoded the host; one trailing dot
  // names the same DNS host, so it is removed to keep a single spelling per host.
  let host = url.hostname;
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === '' || host.startsWith('.') || host.includes('..') || host.endsWith('.')) {
    throw new WardenError('EINVAL', 'net: the URL has an empty host name label');
  }
  if (host !== url.hostname) url.hostname = host;
  url.hash = '';
  return url;
}

/** The host to resolve or connect to: brackets removed from an IPv6 literal. */
export function bareHostname(url: URL): string {
  const h = url.hostname;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/** True when the URL names an IP address rather than a DNS name. */
export function isIpLiteral(url: URL): boolean {
  return net.isIP(bareHostname(url)) !== 0;
}

export function effectivePort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

export function sameOrigin(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.hostname === b.hostname && effectivePort(a) === effectivePort(b);
}

/**
 * A compiled manifest net pattern, `scheme://host[:port][/path-glob]`:
 * - scheme: `http` or `https`, matched exactly;
 * - host: an exact name or IP literal (normalised like a request URL), `*.example.com` (any
 *   subdomain of example.com, not example.com itself), or `*` (any host);
 * - port: explicit, `*`, or else the scheme's default port only;
 * - path: a glob on the URL's normalised pathname (query ignored): `*` is any run of characters
 *   within one segment, `**` any run including `/`; a trailing `/**` also matches the bare
 *   prefix; no path (or `/**`) means every path.
 */
export interface NetPattern {
  source: string;
  protocol: 'http:' | 'https:';
  host: { exact: string } | { suffix: string } | { any: true };
  port: number | '*';
  path: RegExp;
}

const PATTERN_RE = /^(https?):\/\/([^/?#\s@]+)(\/[^?#\s]*)?$/;

function globToRegExp(glob: string): RegExp {
  const trailing = glob.endsWith('/**');
  const rest = trailing ? glob.slice(0, -3) : glob;
  const tail = trailing ? '(?:/.*)?' : '';
  let re = '';
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (c === '*' && rest[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}${tail}$`);
}

/** Compiles a manifest pattern; EINVAL when it is not one. */
export function compileNetPattern(pattern: string): NetPattern {
  const m = PATTERN_RE.exec(pattern);
  if (!m) throw new WardenError('EINVAL', `net: not a URL pattern: ${pattern}`);
  const protocol = `${m[1]!}:` as NetPattern['protocol'];
  let hostPort = m[2]!;
  let port: number | '*' = protocol === 'https:' ? 443 : 80;
  const portMatch = /:(\d{1,5}|\*)$/.exec(hostPort);
  if (portMatch && !hostPort.endsWith(']')) {
    hostPort = hostPort.slice(0, portMatch.index);
    port = portMatch[1] === '*' ? '*' : Number(portMatch[1]);
    if (port !== '*' && port > 65535) throw new WardenError('EINVAL', `net: bad port in pattern: ${pattern}`);
  }
  let host: NetPattern['host'];
  if (hostPort === '*') host = { any: true };
  else {
    const wildcard = hostPort.startsWith('*.');
    const name = wildcard ? hostPort.slice(2) : hostPort;
    if (name.includes('*')) throw new WardenError('EINVAL', `net: "*" may only be a whole first label: ${pattern}`);
    const normalised = normalizeRequestUrl(`${protocol}//${name}/`).hostname;
    host = wildcard ? { suffix: normalised } : { exact: normalised };
  }
  const rawPath = m[3] ?? '/**';
  // Normalise the path as URL does (percent-encoding); `*` is left alone by the path encoder.
  const path = new URL(rawPath, 'http://pattern.invalid').pathname;
  return { source: pattern, protocol, host, port, path: globToRegExp(path) };
}

function hostMatches(p: NetPattern, hostname: string): boolean {
  if ('any' in p.host) return true;
  if ('exact' in p.host) return hostname === p.host.exact;
  return hostname.endsWith(`.${p.host.suffix}`) && !isIpLiteralHost(hostname);
}

const isIpLiteralHost = (h: string) => h.startsWith('[') || net.isIPv4(h);

/** Does a normalised request URL fall inside the pattern? */
export function matchNetPattern(p: NetPattern, url: URL): boolean {
  return (
    url.protocol === p.protocol &&
    hostMatches(p, url.hostname) &&
    (p.port === '*' || effectivePort(url) === p.port) &&
    p.path.test(url.pathname)
  );
}

/**
 * Does the pattern name this URL's host explicitly (an exact host, not a wildcard), with its
 * scheme and port? Only such a pattern may reach a loopback/private address (namesPrivateHost in host-api/services.ts); the
 * lead computes `allowPrivate` with it.
 */
export function patternNamesHost(p: NetPattern, url: URL): boolean {
  return (
    'exact' in p.host &&
    p.host.exact === url.hostname &&
    url.protocol === p.protocol &&
    (p.port === '*' || effectivePort(url) === p.port)
  );
}

/** Short form for messages: the origin only (a path or query may carry a token). */
export function describeOrigin(url: URL): string {
  return url.origin;
}
