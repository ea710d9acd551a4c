// Ed25519 keys and signatures that OpenSSL accepts but that prove nothing: a small-order public key
// (with the identity as the key, R = identity and S = 0 "verify" every message), non-canonical
// encodings, and S ≥ L. Refused before anything is pinned or trusted — by the `warden` CLI, the
// installer, catalogs and the shared signing check every feed uses.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, installPackage, listInstalled, PackageError } from '../../electron/core/packages';
import { canonicalBytes } from '../../electron/core/packages/canonical-json';
import { verifyIndex } from '../../electron/core/packages/catalog';
import { decodePublicKey, sign, verifySignature } from '../../electron/core/packages/signing';
import { encodeSignatureFile, type SignedPayload } from '../../electron/core/packages/verify';
import { runCli, tempDir } from '../helpers/sandbox';
import { makePackage, readTar, rewrite } from '../fixtures/packages/tools';

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const hex = (h: string) => Buffer.from(h, 'hex');
const withSign = (b: Buffer) => {
  const c = Buffer.from(b);
  c[31]! |= 0x80;
  return c;
};

/** The 8 small-order points (both x signs where x ≠ 0), as libsodium lists their y encodings. */
const SMALL_ORDER_Y = [
  '01' + '00'.repeat(31), // identity (order 1)
  'ec' + 'ff'.repeat(30) + '7f', // y = p - 1 (order 2)
  '00'.repeat(32), // y = 0 (order 4)
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
];
const SMALL_ORDER = [
  hex(SMALL_ORDER_Y[0]!),
  hex(SMALL_ORDER_Y[1]!),
  ...SMALL_ORDER_Y.slice(2).flatMap((y) => [hex(y), withSign(hex(y))]),
];
/** Non-canonical spellings: y ≥ p (p, p+1 = identity), and x = 0 with the sign bit set. */
const NON_CANONICAL = [
  hex('ed' + 'ff'.repeat(30) + '7f'),
  hex('ee' + 'ff'.repeat(30) + '7f'),
  hex('ff'.repeat(32)),
  withSign(hex(SMALL_ORDER_Y[0]!)),
  withSign(hex(SMALL_ORDER_Y[1]!)),
];

const IDENTITY = hex(SMALL_ORDER_Y[0]!);
/** R = identity, S = 0: valid for every message under the identity key (cofactored or not). */
const FORGED_SIGNATURE = Buffer.concat([IDENTITY, Buffer.alloc(32)]).toString('base64');

const key = generateKeyPair();
let work: string;
let good: string;

beforeAll(async () => {
  work = tempDir('warden-weakkeys-');
  good = await makePackage(work, key, { id: 'acme.hello', version: '1.0.0' });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The good package, re-signed "by" the identity key: anyone can produce this for any content. */
function forgedPackage(publicKey: Buffer, signature: string): string {
  return rewrite(
    good,
    (files) =>
      files.map((f) => {
        if (f.path !== 'warden-signature.json') return f;
        const { signed } = JSON.parse(Buffer.from(f.data).toString()) as { signed: SignedPayload };
        const next = { ...signed, publicKey: publicKey.toString('base64') };
        return { path: f.path, data: encodeSignatureFile(next, signature) };
      }),
    path.join(work, `forged-${crypto.randomUUID()}.wext`),
  );
}

describe('small-order and non-canonical Ed25519', () => {
  it('the shared check refuses every small-order point and non-canonical encoding as a key', () => {
    for (const raw of [...SMALL_ORDER, ...NON_CANONICAL]) {
      const b64 = raw.toString('base64');
      expect(() => decodePublicKey(b64), raw.toString('hex')).toThrow(PackageError);
      expect(verifySignature(b64, Buffer.from('any content'), FORGED_SIGNATURE), raw.toString('hex')).toBe(false);
    }
    expect(decodePublicKey(key.publicKey)).toHaveLength(32);
  });

  it('refuses a signature whose S is not reduced (S + L) and one whose R is small-order', () => {
    const data = Buffer.from('payload');
    const sig = Buffer.from(sign(key.privateKey, data), 'base64');
    expect(verifySignature(key.publicKey, data, sig.toString('base64'))).toBe(true);
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
    let big = s + L;
    const malleated = Buffer.from(sig);
    for (let i = 0; i < 32; i++, big >>= 8n) malleated[32 + i] = Number(big & 0xffn);
    expect(verifySignature(key.publicKey, data, malleated.toString('base64'))).toBe(false);
    const smallR = Buffer.concat([IDENTITY, sig.subarray(32)]);
    expect(verifySignature(key.publicKey, data, smallR.toString('base64'))).toBe(false);
  });

  it('`warden verify` and install refuse a package "signed" by the identity key, and pin nothing', async () => {
    const forged = forgedPackage(IDENTITY, FORGED_SIGNATURE);
    // The forged signature file really is what an attacker would ship.
    const sigFile = readTar(fs.readFileSync(forged)).find((f) => f.path === 'warden-signature.json')!;
    expect(JSON.parse(Buffer.from(sigFile.data).toString()).signed.publicKey).toBe(IDENTITY.toString('base64'));

    const verify = await runCli(['verify', forged, '--json']);
    expect(verify.code, verify.stdout).not.toBe(0);
    expect(verify.stderr + verify.stdout).toMatch(/small-order/);

    const dataDir = tempDir('warden-weakkeys-data-');
    try {
      const install = await runCli(['install', '--yes', forged, '--data-dir', dataDir]);
      expect(install.code, install.stdout).not.toBe(0);
      expect(install.stderr + install.stdout).toMatch(/small-order/);
      const err = await installPackage(dataDir, forged, 'install').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PackageError);
      expect(await listInstalled(dataDir)).toEqual([]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a catalog index signed by a small-order key is refused even when that key is "trusted"', () => {
    const signed = {
      format: 1,
      version: 1,
      expires: new Date(Date.now() + 86_400_000).toISOString(),
      packages: [],
      blocklist: [],
    };
    for (const raw of SMALL_ORDER) {
      const publicKey = raw.toString('base64');
      const bytes = Buffer.from(JSON.stringify({ signed, publicKey, signature: FORGED_SIGNATURE }));
      expect(() => verifyIndex(bytes, { trustedKeys: [publicKey] }), raw.toString('hex')).toThrow(/small-order/);
    }
    // The same index signed properly is accepted (the check is not refusing everything).
    const ok = Buffer.from(
      JSON.stringify({ signed, publicKey: key.publicKey, signature: sign(key.privateKey, canonicalBytes(signed)) }),
    );
    expect(verifyIndex(ok, { trustedKeys: [key.publicKey] }).index.version).toBe(1);
  });
});
