// Duplicate keys at every trust boundary that parses JSON: `JSON.parse` keeps the last of two
// equal keys, so a signed manifest with two "permissions" shows a reviewer one and grants the
// other. Manifests (packaged and in a folder), signature files, catalog indexes, policy files and
// grants are all refused — through the `warden` CLI where one reads them.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, installPackage, listInstalled, PackageError } from '../../electron/core/packages';
import { canonicalBytes } from '../../electron/core/packages/canonical-json';
import { verifyIndex } from '../../electron/core/packages/catalog';
import { sign } from '../../electron/core/packages/signing';
import { sha256Hex, type SignedPayload } from '../../electron/core/packages/verify';
import { createGrantStore } from '../../electron/core/permissions/grants';
import { findDuplicateKey, parseStrictJson } from '../../electron/common/strict-json';
import { runCli, tempDir } from '../helpers/sandbox';
import { makePackage, rewrite, writeExt } from '../fixtures/packages/tools';

const key = generateKeyPair();
let work: string;
let good: string;

beforeAll(async () => {
  work = tempDir('warden-strictjson-');
  good = await makePackage(work, key, { id: 'acme.hello', version: '1.0.0' });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** `{"a":1}` + `, "key": value` spliced in before the last brace: a second "key". */
const withDuplicate = (json: string, key: string, value: unknown) =>
  `${json.slice(0, json.lastIndexOf('}'))}, ${JSON.stringify(key)}: ${JSON.stringify(value)}}`;

const WIDER = { 'fs.read': ['~/**'], 'fs.write': ['~/**'], net: ['https://*/**'] };

async function expectInstallRefused(file: string, why: RegExp): Promise<void> {
  const dataDir = tempDir('warden-strictjson-data-');
  try {
    const cli = await runCli(['install', '--yes', file, '--data-dir', dataDir]);
    expect(cli.code, cli.stdout).not.toBe(0);
    expect(cli.stderr).toMatch(why);
    const err = await installPackage(dataDir, file, 'install').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PackageError);
    expect(await listInstalled(dataDir)).toEqual([]);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('duplicate keys', () => {
  it('the strict parser finds duplicates after unescaping, at any depth, and nothing else', () => {
    expect(findDuplicateKey('{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}')).toBeUndefined();
    expect(findDuplicateKey('{"a":1,"\\u0061":2}')).toBe('a');
    expect(findDuplicateKey('{"x":[1,{"k":"}","k":2}]}')).toBe('k');
    expect(findDuplicateKey('{"s":"\\"a\\":1,","a":1,"t":"\\\\","a":2}')).toBe('a');
    expect(() => parseStrictJson('{"permissions":{},"permissions":{}}')).toThrow(/duplicate key "permissions"/);
    expect(parseStrictJson('{"__proto__":{"x":1}}')).toEqual(JSON.parse('{"__proto__":{"x":1}}'));
  });

  it('install refuses a properly signed manifest holding two "permissions"', async () => {
    const forged = rewrite(
      good,
      (files) => {
        const m = files.find((f) => f.path === 'manifest.json')!;
        const manifest = Buffer.from(withDuplicate(Buffer.from(m.data).toString(), 'permissions', WIDER));
        return files.map((f) => {
          if (f === m) return { path: f.path, data: manifest };
          if (f.path !== 'warden-signature.json') return f;
          const { signed } = JSON.parse(Buffer.from(f.data).toString()) as { signed: SignedPayload };
          const next = { ...signed, files: { ...signed.files, 'manifest.json': sha256Hex(manifest) } };
          const signature = sign(key.privateKey, canonicalBytes(next));
          return { path: f.path, data: Buffer.from(JSON.stringify({ signed: next, signature })) };
        });
      },
      path.join(work, 'dup-manifest.wext'),
    );
    await expectInstallRefused(forged, /duplicate key "permissions"/);
  });

  it('install refuses a signature file with a duplicate key', async () => {
    const forged = rewrite(
      good,
      (files) =>
        files.map((f) => {
          if (f.path !== 'warden-signature.json') return f;
          const text = Buffer.from(f.data).toString();
          return { path: f.path, data: Buffer.from(withDuplicate(text, 'signature', 'AAAA')) };
        }),
      path.join(work, 'dup-signature.wext'),
    );
    await expectInstallRefused(forged, /duplicate key "signature"/);
  });

  it('`warden validate` refuses a folder manifest with two "permissions"', async () => {
    const dir = writeExt(work, { id: 'acme.dupfolder' });
    const file = path.join(dir, 'manifest.json');
    fs.writeFileSync(file, withDuplicate(fs.readFileSync(file, 'utf8'), 'permissions', WIDER));
    const r = await runCli(['validate', dir]);
    expect(r.code, r.stdout).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/duplicate key "permissions"/);
  });

  it('a catalog index with a duplicate key is refused', () => {
    const signed = {
      format: 1,
      version: 1,
      expires: new Date(Date.now() + 86_400_000).toISOString(),
      packages: [],
      blocklist: [],
    };
    const text = JSON.stringify({
      signed,
      publicKey: key.publicKey,
      signature: sign(key.privateKey, canonicalBytes(signed)),
    });
    expect(verifyIndex(Buffer.from(text), { trustedKeys: [key.publicKey] }).index.version).toBe(1);
    const dup = text.replace('"packages":[]', '"packages":[],"packages":[]');
    expect(() => verifyIndex(Buffer.from(dup), { trustedKeys: [key.publicKey] })).toThrow(/duplicate key "packages"/);
  });

  it('`warden run --policy` refuses a policy file with a duplicate key', async () => {
    const dir = writeExt(work, { id: 'acme.policyrun' });
    const policy = path.join(work, 'policy.json');
    fs.writeFileSync(
      policy,
      '{"version":1,"forbid":[{"capability":"net"}],"forbid":[],"allow":[{"capability":"fs.read"}]}',
    );
    const dataDir = tempDir('warden-strictjson-data-');
    try {
      const r = await runCli(['run', dir, 'hello', '--policy', policy, '--data-dir', dataDir, '--deny-all']);
      expect(r.code, r.stdout).not.toBe(0);
      expect(r.stderr).toMatch(/duplicate key "forbid"/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a grants file with a duplicate key grants nothing', () => {
    const file = path.join(work, 'grants.json');
    const grant = {
      id: 'g1',
      extensionId: 'acme.hello',
      publisher: 'acme',
      capability: 'fs.read',
      effect: 'allow',
      scope: { kind: 'tree', value: '/' },
      createdAt: 1,
    };
    fs.writeFileSync(file, `{"version":1,"grants":[${JSON.stringify(grant)}]}`);
    expect(createGrantStore(file).list()).toHaveLength(1); // the well-formed file is read
    fs.writeFileSync(file, `{"version":1,"grants":[],"grants":[${JSON.stringify(grant)}]}`);
    expect(createGrantStore(file).list()).toEqual([]);
  });
});
