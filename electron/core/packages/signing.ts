/**
 * Ed25519 keys and signatures (node:crypto, OpenSSL's verifier: rejects non-canonical `S`).
 * Private key files are PKCS#8 PEM (what `warden keygen` writes) or a raw 32-byte seed, binary or
 * base64; they must not be readable by group or others (mode 0600), like ssh keys. Public keys
 * travel as base64 of the raw 32 bytes; a key's fingerprint is the hex SHA-256 of those bytes.
 */
import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { publicKeyProblem, signatureProblem } from './ed25519-strict';
import { PackageError } from './format';

/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** DER prefix of an SPKI Ed25519 public key; the 32 raw bytes follow. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface KeyPair {
  privateKey: KeyObject;
  /** base64 of the raw 32-byte public key. */
  publicKey: string;
  fingerprint: string;
}

export function generateKeyPair(): KeyPair {
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  return fromPrivateKey(privateKey);
}

function fromPrivateKey(privateKey: KeyObject): KeyPair {
  const raw = rawPublicKey(crypto.createPublicKey(privateKey));
  return { privateKey, publicKey: raw.toString('base64'), fingerprint: fingerprintOf(raw) };
}

function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'spki' });
  return Buffer.from(der.subarray(SPKI_ED25519_PREFIX.length));
}

/** Hex SHA-256 of the raw public key (given raw bytes or base64). */
export function fingerprintOf(publicKey: Buffer | string): string {
  const raw = typeof publicKey === 'string' ? decodePublicKey(publicKey) : publicKey;
  return crypto.createHash('sha256').update(raw).digest('hex');
}

/**
 * Keys (strict base64) already found strict: the check is a pure function of the text and costs
 * a field exponentiation, and one verification decodes its key twice (signature file, signature).
 * Bounded: cleared when full.
 */
const strictKeys = new Set<string>();

/**
 * Decodes a base64 raw public key; throws PackageError unless it is exactly 32 bytes of strict
 * base64 encoding a canonical point of large order. Every package, catalog and feed key passes
 * here before it is pinned, trusted or used (a small-order key "verifies" forged signatures).
 */
export function decodePublicKey(b64: string): Buffer {
  const raw = strictBase64(b64, 32);
  if (!raw) throw new PackageError('the public key is not 32 bytes of base64');
  if (strictKeys.has(b64)) return raw;
  const problem = publicKeyProblem(raw);
  if (problem) throw new PackageError(`the public key is refused: ${problem}`);
  if (strictKeys.size >= 64) strictKeys.clear();
  strictKeys.add(b64);
  return raw;
}

function strictBase64(s: string, length: number): Buffer | undefined {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  const buf = Buffer.from(s, 'base64');
  if (buf.length !== length || buf.toString('base64') !== s) return undefined;
  return buf;
}

function publicKeyObject(raw: Buffer): KeyObject {
  return crypto.createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function sign(privateKey: KeyObject, data: Uint8Array): string {
  return crypto.sign(null, data, privateKey).toString('base64');
}

/**
 * True only for a valid 64-byte signature of `data` by `publicKey` (base64 raw), both strict:
 * a small-order or non-canonical key, R or S (S ≥ L) is refused before OpenSSL sees them.
 */
export function verifySignature(publicKey: string, data: Uint8Array, signature: string): boolean {
  const sig = strictBase64(signature, 64);
  if (!sig || signatureProblem(sig) !== undefined) return false;
  let key: KeyObject;
  try {
    key = publicKeyObject(decodePublicKey(publicKey));
  } catch {
    return false;
  }
  try {
    return crypto.verify(null, data, key, sig);
  } catch {
    return false;
  }
}

/** Writes `<file>` (private, 0600) and `<file>.pub` (base64 raw public key); never overwrites. */
export function writeKeyPair(file: string, pair: KeyPair = generateKeyPair()): KeyPair {
  const pem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const pub = `${file}.pub`;
  for (const f of [file, pub]) {
    if (fs.existsSync(f)) throw new PackageError(`${f} already exists (not overwriting a key)`, 'refused');
  }
  fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  fs.chmodSync(file, 0o600);
  fs.writeFileSync(pub, `${pair.publicKey}\n`, { mode: 0o644, flag: 'wx' });
  return pair;
}

/** Reads a private key file: PKCS#8 PEM, or a raw 32-byte seed (binary or base64). */
export function readPrivateKey(file: string): KeyPair {
  let st: fs.Stats;
  let bytes: Buffer;
  try {
    st = fs.statSync(file);
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new PackageError(
      `cannot read key file ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      'not-found',
    );
  }
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new PackageError(
      `key file ${file} is readable by others (mode ${(st.mode & 0o777).toString(8)}); run: chmod 600 ${file}`,
      'refused',
    );
  }
  const text = bytes.toString('utf8').trim();
  try {
    if (text.startsWith('-----BEGIN')) {
      const key = crypto.createPrivateKey({ key: text, format: 'pem' });
      if (key.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
      return fromPrivateKey(key);
    }
    const seed = bytes.length === 32 ? bytes : strictBase64(text, 32);
    if (!seed) throw new Error('not a seed');
    return fromPrivateKey(
      crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' }),
    );
  } catch {
    throw new PackageError(`${file} is not an ed25519 private key (PKCS#8 PEM or a raw 32-byte seed)`);
  }
}

/** Reads a public key: a `.pub` file written by keygen, or the base64 text itself. */
export function readPublicKey(fileOrBase64: string): string {
  let text = fileOrBase64.trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(text)) {
    try {
      text = fs.readFileSync(fileOrBase64, 'utf8').trim();
    } catch {
      throw new PackageError(`${fileOrBase64} is neither a base64 public key nor a readable .pub file`);
    }
  }
  decodePublicKey(text);
  return text;
}
