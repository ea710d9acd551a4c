/**
 * Strict Ed25519 encodings (RFC 8032 §5.1.3 plus the small-order rule of libsodium and ZIP-215's
 * critics): OpenSSL's verifier accepts a public key that is a small-order point, and with the
 * identity as the key, the signature (R = identity, S = 0) "verifies" every message. So before a
 * key is pinned or used, and before a signature is checked, their encodings are decoded here:
 * - a point must be canonical (y < p, and no "negative zero" x) and decode to a curve point;
 * - a public key (and a signature's R) must not have small order ([8]P ≠ identity), which refuses
 *   the 8 small-order points in every spelling;
 * - a signature's S must be canonical (S < L).
 * Plain BigInt arithmetic, one exponentiation per point (the square root) and no inversion in the
 * order check: these run at every package verification.
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

/** `z` squared `n` times. */
function sqn(z: bigint, n: number): bigint {
  let r = z;
  for (let i = 0; i < n; i++) r = mod(r * r);
  return r;
}

/** z^((P-5)/8) = z^(2^252 - 3) by ref10's addition chain: 252 squarings and 11 products. */
function pow22523(z: bigint): bigint {
  const z2 = mod(z * z);
  const z9 = mod(sqn(z2, 2) * z);
  const z11 = mod(z9 * z2);
  const z2_5 = mod(mod(z11 * z11) * z9); // z^(2^5 - 1)
  const z2_10 = mod(sqn(z2_5, 5) * z2_5);
  const z2_20 = mod(sqn(z2_10, 10) * z2_10);
  const z2_40 = mod(sqn(z2_20, 20) * z2_20);
  const z2_50 = mod(sqn(z2_40, 10) * z2_10);
  const z2_100 = mod(sqn(z2_50, 50) * z2_50);
  const z2_200 = mod(sqn(z2_100, 100) * z2_100);
  const z2_250 = mod(sqn(z2_200, 50) * z2_50);
  return mod(sqn(z2_250, 2) * z);
}
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
  const v3 = mod(v * v * v);
  let x = mod(u * v3 * pow22523(mod(u * v3 * v3 * v)));
  const vx2 = mod(v * x * x);
  if (vx2 === mod(-u)) x = mod(x * SQRT_M1);
  else if (vx2 !== u) return null;
  if (x === 0n && sign === 1) return null;
  if (Number(x & 1n) !== sign) x = P - x;
  return { x, y };
}

/**
 * [8]P = identity, by three doublings in projective coordinates (X:Y:Z), so no field inversion:
 * the doubling formula of Bernstein et al. for a = -1 ("dbl-2008-bbjlp"), complete on Ed25519.
 * The identity is (0 : Z : Z).
 */
function hasSmallOrder(p: Point): boolean {
  let X = p.x;
  let Y = p.y;
  let Z = 1n;
  for (let i = 0; i < 3; i++) {
    const B = mod((X + Y) * (X + Y));
    const C = mod(X * X);
    const Dd = mod(Y * Y);
    const E = mod(-C);
    const F = mod(E + Dd);
    const H = mod(Z * Z);
    const J = mod(F - 2n * H);
    X = mod((B - C - Dd) * J);
    Y = mod(F * (E - Dd));
    Z = mod(F * J);
  }
  return X === 0n && Y === Z;
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
