/**
 * Strict Ed25519 encodings (RFC 8032 §5.1.3 plus the small-order rule of libsodium and ZIP-215's
 * critics): OpenSSL's verifier accepts a public key that is a small-order point, and with the
 * identity as the key, the signature (R = identity, S = 0) "verifies" every message. So before a
 * key is pinned or used, and before a signature is checked, their encodings are decoded here:
 * - a point must be canonical (y < p, and no "negative zero" x) and decode to a curve point;
 * - a public key (and a signature's R) must not have small order ([8]P ≠ identity), which refuses
 *   the 8 small-order points in every spelling;
 * - a signature's S must be canonical (S < L).
 * Plain BigInt arithmetic: these run a few times per package, never on a hot path.
 */

const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

const mod = (a: bigint) => {
  const r = a % P;
  return r < 0n ? r + P : r;
};

function pow(base: bigint, exp: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = mod(result * b);
    b = mod(b * b);
    e >>= 1n;
  }
  return result;
}

const inv = (a: bigint) => pow(a, P - 2n);
const D = mod(-121665n * inv(121666n));
const SQRT_M1 = pow(2n, (P - 1n) / 4n);

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

interface Point {
  x: bigint;
  y: bigint;
}

/** Decodes a 32-byte point encoding; null when it is not canonical or not on the curve. */
function decodePoint(bytes: Uint8Array): Point | null {
  if (bytes.length !== 32) return null;
  const sign = bytes[31]! >> 7;
  const copy = Uint8Array.from(bytes);
  copy[31]! &= 0x7f;
  const y = littleEndian(copy);
  if (y >= P) return null;
  const y2 = mod(y * y);
  const u = mod(y2 - 1n);
  const v = mod(D * y2 + 1n);
  let x = mod(u * pow(v, 3n) * pow(u * pow(v, 7n), (P - 5n) / 8n));
  const vx2 = mod(v * x * x);
  if (vx2 === mod(-u)) x = mod(x * SQRT_M1);
  else if (vx2 !== u) return null;
  if (x === 0n && sign === 1) return null;
  if (Number(x & 1n) !== sign) x = P - x;
  return { x, y };
}

/** Twisted Edwards addition (a = -1); complete on Ed25519, so doubling is add(p, p). */
function add(a: Point, b: Point): Point {
  const t = mod(D * a.x * b.x * a.y * b.y);
  return {
    x: mod((a.x * b.y + a.y * b.x) * inv(1n + t)),
    y: mod((a.y * b.y + a.x * b.x) * inv(mod(1n - t))),
  };
}

function hasSmallOrder(p: Point): boolean {
  let q = p;
  for (let i = 0; i < 3; i++) q = add(q, q);
  return q.x === 0n && q.y === 1n;
}

/** Why a raw 32-byte public key is unusable, or undefined when it is a strict key. */
export function publicKeyProblem(raw: Uint8Array): string | undefined {
  const point = decodePoint(raw);
  if (!point) return 'not a canonical Ed25519 point';
  if (hasSmallOrder(point)) return 'a small-order Ed25519 point';
  return undefined;
}

/** Why a raw 64-byte signature is unusable (R not a strict point, S ≥ L), or undefined. */
export function signatureProblem(raw: Uint8Array): string | undefined {
  if (raw.length !== 64) return 'not 64 bytes';
  if (littleEndian(raw.subarray(32)) >= L) return 'a non-canonical S (S ≥ L)';
  const r = decodePoint(raw.subarray(0, 32));
  if (!r) return 'R is not a canonical Ed25519 point';
  if (hasSmallOrder(r)) return 'R is a small-order point';
  return undefined;
}
