/**
 * Address classification for the net gateway: is a resolved address one an extension may reach
 * without a manifest pattern naming its host explicitly?
 *
 * Works on bytes, never on string prefixes: an address is parsed (IPv4 dotted quad or IPv6, as
 * `net.isIP` accepts them; anything else is `invalid`) and compared by prefix against the special
 * ranges of the IANA IPv4/IPv6 special-purpose registries. IPv6 forms that carry an IPv4 address
 * (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, IPv4-translated `::ffff:0:a.b.c.d`,
 * NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are classified by the IPv4 address they embed, so
 * `::ffff:7f00:1` is loopback. Only global unicast (`2000::/3`) IPv6 can be public.
 *
 * Deliberately no string-based IP library: several mis-parse octal/hex forms (npm `netmask`
 * CVE-2021-28918, `ip` CVE-2023-42282 / CVE-2024-29415, `private-ip` CVE-2020-28360).
 */
import net from 'node:net';

export type AddressKind =
  | 'public'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'unique-local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'metadata'
  | 'documentation'
  | 'benchmark'
  | 'reserved'
  | 'invalid';

/** How an IPv6 address carried the IPv4 address that decided its class. */
export type Embedding = 'ipv4-mapped' | 'ipv4-compatible' | 'ipv4-translated' | 'nat64' | '6to4';

export interface AddressClass {
  kind: AddressKind;
  family: 4 | 6 | 0;
  via?: Embedding;
}

interface Range {
  prefix: readonly number[];
  bits: number;
  kind: Exclude<AddressKind, 'public' | 'invalid'>;
}

const range = (prefix: number[], bits: number, kind: Range['kind']): Range => ({ prefix, bits, kind });

/** Most specific first: the first match wins. */
const IPV4_RANGES: readonly Range[] = [
  range([169, 254, 169, 254], 32, 'metadata'), // AWS/GCP/Azure/OCI instance metadata
  range([100, 100, 100, 200], 32, 'metadata'), // Alibaba Cloud metadata (inside CGNAT)
  range([168, 63, 129, 16], 32, 'metadata'), // Azure wire server / platform DNS
  range([0], 8, 'unspecified'), // "this network"; 0.0.0.0 reaches local services
  range([10], 8, 'private'),
  range([100, 64], 10, 'shared'), // carrier-grade NAT
  range([127], 8, 'loopback'),
  range([169, 254], 16, 'link-local'),
  range([172, 16], 12, 'private'),
  range([192, 0, 0], 24, 'reserved'), // IETF protocol assignments
  range([192, 0, 2], 24, 'documentation'),
  range([192, 88, 99], 24, 'reserved'), // deprecated 6to4 relay anycast
  range([192, 168], 16, 'private'),
  range([198, 18], 15, 'benchmark'),
  range([198, 51, 100], 24, 'documentation'),
  range([203, 0, 113], 24, 'documentation'),
  range([224], 4, 'multicast'),
  range([255, 255, 255, 255], 32, 'broadcast'),
  range([240], 4, 'reserved'),
];

const hex = (...groups: number[]) => groups.flatMap((g) => [g >> 8, g & 0xff]);

/** Ranges that decide on their own (embedding forms are handled before these). */
const IPV6_RANGES: readonly Range[] = [
  range(hex(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254), 128, 'metadata'), // AWS IMDS over IPv6
  range(hex(0x64, 0xff9b, 1), 48, 'private'), // local-use NAT64 (RFC 8215)
  range(hex(0x100, 0, 0, 0), 64, 'reserved'), // discard-only
  range(hex(0x2001, 0), 32, 'reserved'), // Teredo: a tunnel that embeds arbitrary IPv4 addresses
  range(hex(0x2001, 2, 0), 48, 'benchmark'),
  range(hex(0x2001, 0x10), 28, 'reserved'), // ORCHID
  range(hex(0x2001, 0x20), 28, 'reserved'), // ORCHIDv2
  range(hex(0x2001, 0xdb8), 32, 'documentation'),
  range(hex(0x3fff), 20, 'documentation'),
  range([0xfc], 7, 'unique-local'),
  range([0xfe, 0x80], 10, 'link-local'),
  range([0xfe, 0xc0], 10, 'private'), // deprecated site-local
  range([0xff], 8, 'multicast'),
];

function matches(bytes: readonly number[], r: Range): boolean {
  let bits = r.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((r.prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** Parses a canonical dotted quad (as `net.isIPv4` accepts it) into 4 bytes. */
export function parseIPv4(text: string): number[] | null {
  if (!net.isIPv4(text)) return null;
  return text.split('.').map(Number);
}

/** Parses an IPv6 address (optionally with a `%zone`, which is ignored) into 16 bytes. */
export function parseIPv6(text: string): number[] | null {
  let s = text.includes('%') ? text.slice(0, text.indexOf('%')) : text;
  if (!net.isIPv6(s)) return null;
  if (s.includes('.')) {
    const cut = s.lastIndexOf(':');
    const v4 = parseIPv4(s.slice(cut + 1));
    if (!v4) return null;
    s = `${s.slice(0, cut + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (fill < 0 || (halves.length === 1 && head.length !== 8)) return null;
  const groups = [...head, ...Array<string>(fill).fill('0'), ...tail];
  if (groups.length !== 8) return null;
  const bytes: number[] = [];
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    bytes.push(...hex(parseInt(g, 16)));
  }
  return bytes;
}

function classifyV4Bytes(bytes: readonly number[]): AddressKind {
  for (const r of IPV4_RANGES) if (matches(bytes, r)) return r.kind;
  return 'public';
}

const zeros = (bytes: readonly number[], from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);

/** The IPv4 address an IPv6 address carries, if it is one of the embedding forms. */
function embeddedV4(b: readonly number[]): { v4: number[]; via: Embedding } | null {
  const last4 = b.slice(12, 16);
  if (zeros(b, 0, 10) && b[10] === 0xff && b[11] === 0xff) return { v4: last4, via: 'ipv4-mapped' };
  if (zeros(b, 0, 8) && b[8] === 0xff && b[9] === 0xff && b[10] === 0 && b[11] === 0) {
    return { v4: last4, via: 'ipv4-translated' };
  }
  if (zeros(b, 0, 12)) return { v4: last4, via: 'ipv4-compatible' };
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(b, 4, 12)) {
    return { v4: last4, via: 'nat64' };
  }
  if (b[0] === 0x20 && b[1] === 0x02) return { v4: b.slice(2, 6), via: '6to4' };
  return null;
}

function classifyV6Bytes(b: readonly number[]): AddressClass {
  if (zeros(b, 0, 16)) return { kind: 'unspecified', family: 6 };
  if (zeros(b, 0, 15) && b[15] === 1) return { kind: 'loopback', family: 6 };
  const embedded = embeddedV4(b);
  if (embedded) {
    const kind = classifyV4Bytes(embedded.v4);
    // IPv4-compatible addresses are deprecated and never legitimately public.
    if (kind === 'public' && embedded.via === 'ipv4-compatible') {
      return { kind: 'reserved', family: 6, via: embedded.via };
    }
    return { kind, family: 6, via: embedded.via };
  }
  for (const r of IPV6_RANGES) if (matches(b, r)) return { kind: r.kind, family: 6 };
  // Only 2000::/3 is allocated as global unicast; everything else is reserved.
  if ((b[0]! & 0xe0) !== 0x20) return { kind: 'reserved', family: 6 };
  return { kind: 'public', family: 6 };
}

/** Classifies one address as a resolver or a URL literal gives it (`[…]` brackets allowed). */
export function classifyAddress(address: string): AddressClass {
  const text = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const v4 = parseIPv4(text);
  if (v4) return { kind: classifyV4Bytes(v4), family: 4 };
  const v6 = parseIPv6(text);
  if (v6) return classifyV6Bytes(v6);
  return { kind: 'invalid', family: 0 };
}

export function isPublicAddress(address: string): boolean {
  return classifyAddress(address).kind === 'public';
}

const KIND_TEXT: Record<AddressKind, string> = {
  public: 'a public address',
  loopback: 'a loopback address',
  private: 'a private-network address',
  shared: 'a carrier-grade NAT (shared) address',
  'link-local': 'a link-local address',
  'unique-local': 'a unique-local (private) IPv6 address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'a broadcast address',
  metadata: 'a cloud metadata address',
  documentation: 'a documentation-only address',
  benchmark: 'a benchmarking address',
  reserved: 'a reserved address',
  invalid: 'an invalid address',
};

const VIA_TEXT: Record<Embedding, string> = {
  'ipv4-mapped': 'IPv4-mapped IPv6',
  'ipv4-compatible': 'IPv4-compatible IPv6',
  'ipv4-translated': 'IPv4-translated IPv6',
  nat64: 'NAT64',
  '6to4': '6to4',
};

/** Plain words for an error message, e.g. "a loopback address (IPv4-mapped IPv6)". */
export function describeAddressClass(c: AddressClass): string {
  return c.via ? `${KIND_TEXT[c.kind]} (${VIA_TEXT[c.via]})` : KIND_TEXT[c.kind];
}
