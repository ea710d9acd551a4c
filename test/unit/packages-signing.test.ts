// Canonical JSON, ed25519 keys and key files, permission widening.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../electron/core/packages/canonical-json';
import {
  fingerprintOf,
  generateKeyPair,
  readPrivateKey,
  readPublicKey,
  sign,
  verifySignature,
  writeKeyPair,
} from '../../electron/core/packages/signing';
import { permissionWidening, describePermissions } from '../../electron/core/packages/permissions-diff';
import { pathProblem, foldedName } from '../../electron/core/packages/paths';
import { tempDir } from '../helpers/sandbox';

const dir = tempDir('warden-keys-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('canonicalJson', () => {
  it('sorts keys at every level and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });
  it('is independent of insertion order and skips undefined', () => {
    expect(canonicalJson({ x: 1, y: 2, u: undefined })).toBe(canonicalJson({ y: 2, x: 1 }));
  });
  it('sorts by UTF-16 code units and escapes strings like JSON', () => {
    expect(canonicalJson({ é: 1, z: 2, Z: 3, '\u2028': 'a"b\n' })).toBe('{"Z":3,"z":2,"é":1,"\u2028":"a\\"b\\n"}');
  });
  it('refuses floats, non-finite numbers and non-plain objects', () => {
    expect(() => canonicalJson({ a: 1.5 })).toThrow(/not a safe integer/);
    expect(() => canonicalJson({ a: Infinity })).toThrow();
    expect(() => canonicalJson({ a: new Date(0) })).toThrow(/plain objects/);
    expect(() => canonicalJson({ a: () => 1 })).toThrow();
  });
});

describe('ed25519 keys', () => {
  it('signs and verifies; any change to data, signature or key fails', () => {
    const k = generateKeyPair();
    const data = Buffer.from('payload');
    const sig = sign(k.privateKey, data);
    expect(verifySignature(k.publicKey, data, sig)).toBe(true);
    expect(verifySignature(k.publicKey, Buffer.from('payloaD'), sig)).toBe(false);
    const raw = Buffer.from(sig, 'base64');
    raw[0]! ^= 1;
    expect(verifySignature(k.publicKey, data, raw.toString('base64'))).toBe(false);
    expect(verifySignature(generateKeyPair().publicKey, data, sig)).toBe(false);
    expect(verifySignature('not-a-key', data, sig)).toBe(false);
    expect(verifySignature(k.publicKey, data, 'short')).toBe(false);
  });

  it('fingerprints the raw 32-byte public key with SHA-256', () => {
    const k = generateKeyPair();
    const raw = Buffer.from(k.publicKey, 'base64');
    expect(raw).toHaveLength(32);
    expect(k.fingerprint).toBe(crypto.createHash('sha256').update(raw).digest('hex'));
    expect(fingerprintOf(k.publicKey)).toBe(k.fingerprint);
  });

  it('writes a 0600 PEM key and a .pub, never overwrites, and reads them back', () => {
    const file = path.join(dir, 'a.key');
    const k = writeKeyPair(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(() => writeKeyPair(file)).toThrow(/already exists/);
    expect(readPrivateKey(file).fingerprint).toBe(k.fingerprint);
    expect(readPublicKey(`${file}.pub`)).toBe(k.publicKey);
    expect(readPublicKey(k.publicKey)).toBe(k.publicKey);
  });

  it('reads a raw 32-byte seed, binary or base64, and refuses loose permissions and junk', () => {
    const k = generateKeyPair();
    const der = k.privateKey.export({ format: 'der', type: 'pkcs8' });
    const seed = der.subarray(der.length - 32);
    const bin = path.join(dir, 'seed.bin');
    fs.writeFileSync(bin, seed, { mode: 0o600 });
    expect(readPrivateKey(bin).fingerprint).toBe(k.fingerprint);
    const b64 = path.join(dir, 'seed.b64');
    fs.writeFileSync(b64, `${seed.toString('base64')}\n`, { mode: 0o600 });
    expect(readPrivateKey(b64).fingerprint).toBe(k.fingerprint);
    fs.chmodSync(b64, 0o640);
    expect(() => readPrivateKey(b64)).toThrow(/readable by others/);
    const junk = path.join(dir, 'junk.key');
    fs.writeFileSync(junk, 'hello', { mode: 0o600 });
    expect(() => readPrivateKey(junk)).toThrow(/not an ed25519 private key/);
  });
});

describe('permission widening', () => {
  it('reports new patterns, secrets and notifications only', () => {
    expect(permissionWidening({ 'fs.read': ['~/a/**'] }, { 'fs.read': ['~/a/**'] })).toBeUndefined();
    expect(permissionWidening({ 'fs.read': ['~/a/**', '~/b/**'] }, { 'fs.read': ['~/a/**'] })).toBeUndefined();
    const w = permissionWidening(
      { net: ['https://a.example/**'], secrets: ['A'] },
      {
        net: ['https://a.example/**', 'https://b.example/**'],
        secrets: ['A', 'B'],
        notifications: true,
        'fs.write': ['~/x/**'],
      },
    );
    expect(w).toEqual({
      'fs.read': [],
      'fs.write': ['~/x/**'],
      net: ['https://b.example/**'],
      secrets: ['B'],
      notifications: true,
    });
    expect(describePermissions(w!)).toEqual([
      'fs.write: ~/x/**',
      'net: https://b.example/**',
      'secrets: B',
      'notifications',
    ]);
  });
});

describe('package paths', () => {
  it('accepts ordinary names and refuses unsafe ones', () => {
    expect(pathProblem('dist/extension.js')).toBeUndefined();
    expect(pathProblem('README.md')).toBeUndefined();
    for (const bad of [
      '',
      '/abs',
      '../x',
      'a/../b',
      'a//b',
      './a',
      'a\\b',
      'C:x',
      'a\u0000b',
      'a\u202eb',
      'x'.repeat(256),
      'con.',
    ]) {
      expect(pathProblem(bad), JSON.stringify(bad)).toBeDefined();
    }
  });
  it('folds case and Unicode normalisation', () => {
    expect(foldedName('Caf\u00e9.TXT')).toBe(foldedName('cafe\u0301.txt'));
  });
});
