// Catalogs: a signed index in a folder or behind a real 127.0.0.1 HTTP server, with TUF-style
// checks (signature, expiry, monotonic version, size and hash, endless data) and a blocklist.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCatalog,
  createPackageRegistry,
  generateKeyPair,
  PackageError,
  type PackageRegistry,
} from '../../electron/core/packages';
import { canonicalBytes } from '../../electron/core/packages/canonical-json';
import { sign } from '../../electron/core/packages/signing';
import { tempDir } from '../helpers/sandbox';
import { makePackage } from '../fixtures/packages/tools';

const publisher = generateKeyPair();
const catalogKey = generateKeyPair();
const trust = { trustedKeys: [catalogKey.publicKey] };
let work: string;
let repo: string;

beforeAll(async () => {
  work = tempDir('warden-catalog-');
  repo = path.join(work, 'repo');
  fs.mkdirSync(repo);
  await makePackage(repo, publisher, { id: 'acme.hello', version: '1.0.0' }, 'acme.hello-1.0.0.wext');
  await makePackage(repo, publisher, { id: 'acme.hello', version: '1.1.0' }, 'acme.hello-1.1.0.wext');
  await makePackage(repo, publisher, { id: 'acme.words', version: '2.0.0' }, 'acme.words-2.0.0.wext');
  for (const d of fs.readdirSync(repo)) if (!d.endsWith('.wext')) fs.rmSync(path.join(repo, d), { recursive: true });
  await buildCatalog(repo, catalogKey);
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function fresh(): { dataDir: string; registry: PackageRegistry } {
  const dataDir = tempDir('warden-catdata-');
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  return { dataDir, registry: createPackageRegistry(dataDir) };
}

/** A copy of the repository folder that a test may damage. */
function copyRepo(): string {
  const dir = tempDir('warden-repo-');
  fs.cpSync(repo, dir, { recursive: true });
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function refusal(p: Promise<unknown>): Promise<PackageError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PackageError);
  return err as PackageError;
}

function resign(dir: string, edit: (signed: Record<string, unknown>) => void, key = catalogKey): void {
  const file = path.join(dir, 'index.json');
  const idx = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(idx.signed);
  idx.publicKey = key.publicKey;
  idx.signature = sign(key.privateKey, canonicalBytes(idx.signed));
  fs.writeFileSync(file, JSON.stringify(idx));
}

describe('catalog from a folder', () => {
  it('lists, searches and installs the latest version, checked against the index', async () => {
    const { registry } = fresh();
    const catalog = await registry.openCatalog(repo, trust);
    expect(catalog.index.packages.map((p) => `${p.id}@${p.version}`)).toEqual([
      'acme.hello@1.0.0',
      'acme.hello@1.1.0',
      'acme.words@2.0.0',
    ]);
    expect(catalog.search('words').map((p) => p.id)).toEqual(['acme.words']);
    expect(catalog.search('ACME.HELLO').map((p) => `${p.id}@${p.version}`)).toEqual(['acme.hello@1.1.0']);
    expect(await registry.installFromCatalog(catalog, 'acme.hello', 'install')).toMatchObject({ version: '1.1.0' });
    expect((await refusal(registry.installFromCatalog(catalog, 'acme.nope', 'install'))).message).toMatch(
      /not in the catalog/,
    );
    expect((await refusal(registry.installFromCatalog(catalog, 'acme.hello', 'update'))).message).toMatch(/up to date/);
  });

  it('refuses without trusted keys, with an untrusted key, and with a bad signature', async () => {
    const { registry } = fresh();
    expect((await refusal(registry.openCatalog(repo, { trustedKeys: [] }))).message).toMatch(/no trusted catalog keys/);
    expect((await refusal(registry.openCatalog(repo, { trustedKeys: [generateKeyPair().publicKey] }))).message).toMatch(
      /not trusted/,
    );
    const dir = copyRepo();
    const file = path.join(dir, 'index.json');
    const idx = JSON.parse(fs.readFileSync(file, 'utf8'));
    idx.signed.packages[0].sha256 = '0'.repeat(64);
    fs.writeFileSync(file, JSON.stringify(idx));
    expect((await refusal(registry.openCatalog(dir, trust))).message).toMatch(/bad catalog signature/);
  });

  it('refuses an expired index (freeze) and an older index version than already seen (rollback)', async () => {
    const { registry } = fresh();
    const old = copyRepo();
    resign(old, (s) => (s.expires = new Date(Date.now() - 1000).toISOString()));
    expect((await refusal(registry.openCatalog(old, trust))).message).toMatch(/expired on/);

    const v5 = copyRepo();
    resign(v5, (s) => (s.version = 5));
    await registry.openCatalog(v5, trust);
    const v4 = copyRepo();
    resign(v4, (s) => (s.version = 4));
    expect((await refusal(registry.openCatalog(v4, trust))).message).toMatch(
      /version 4 is older than version 5 already seen/,
    );
    const v5b = copyRepo();
    resign(v5b, (s) => {
      s.version = 5;
      s.blocklist = [];
      (s.packages as unknown[]).pop();
    });
    expect((await refusal(registry.openCatalog(v5b, trust))).message).toMatch(/differs from the one already seen/);
    await registry.openCatalog(v5, trust); // the same index again is fine
  });

  it('refuses a package whose size or hash does not match the index', async () => {
    const { registry } = fresh();
    const dir = copyRepo();
    fs.appendFileSync(path.join(dir, 'acme.words-2.0.0.wext'), Buffer.from([0]));
    const c1 = await registry.openCatalog(dir, trust);
    expect((await refusal(registry.installFromCatalog(c1, 'acme.words', 'install'))).message).toMatch(
      /the catalog says/,
    );
    const dir2 = copyRepo();
    const f = path.join(dir2, 'acme.words-2.0.0.wext');
    const bytes = fs.readFileSync(f);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    fs.writeFileSync(f, bytes);
    const { registry: r2 } = fresh();
    const c2 = await r2.openCatalog(dir2, trust);
    expect((await refusal(r2.installFromCatalog(c2, 'acme.words', 'install'))).message).toMatch(
      /does not match the SHA-256/,
    );
    expect(await r2.list()).toEqual([]);
  });

  it('blocklists: refuses installing a blocked version (even from a file) and marks an installed one blocked', async () => {
    const { registry } = fresh();
    await registry.install(path.join(repo, 'acme.hello-1.0.0.wext'));
    const dir = copyRepo();
    await buildCatalog(dir, catalogKey, {
      block: [
        { id: 'acme.hello', version: '1.0.0' },
        { id: 'acme.words', version: '2.0.0' },
      ],
    });
    const catalog = await registry.openCatalog(dir, trust);
    expect(catalog.index.version).toBe(2);
    expect((await refusal(registry.installFromCatalog(catalog, 'acme.words', 'install'))).message).toMatch(
      /blocklisted/,
    );
    expect((await refusal(registry.install(path.join(repo, 'acme.words-2.0.0.wext')))).message).toMatch(
      /acme\.words@2\.0\.0 is blocklisted by a trusted catalog/,
    );
    expect((await registry.list())[0]).toMatchObject({
      id: 'acme.hello',
      blocked: expect.stringMatching(/blocklisted/),
    });
    expect((await refusal(registry.loadInstalled('acme.hello'))).message).toMatch(
      /blocklisted by a trusted catalog; it will not run/,
    );
    // The unblocked newer version is still offered and installs as an update.
    expect(await registry.installFromCatalog(catalog, 'acme.hello', 'update')).toMatchObject({ version: '1.1.0' });
    expect((await registry.loadInstalled('acme.hello')).manifest.version).toBe('1.1.0');
  });
});

describe('catalog over HTTP (127.0.0.1)', () => {
  let server: http.Server;
  let base: string;
  const overrides = new Map<string, (res: http.ServerResponse) => void>();
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const name = decodeURIComponent((req.url ?? '/').slice(1));
      const o = overrides.get(name);
      if (o) return o(res);
      const file = path.join(repo, path.basename(name));
      if (!fs.existsSync(file)) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(fs.readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  afterEach(() => overrides.clear());

  it('reads the index and installs a package over HTTP', async () => {
    const { dataDir, registry } = fresh();
    const catalog = await registry.openCatalog(base, trust);
    expect(await registry.installFromCatalog(catalog, 'acme.words', 'install')).toMatchObject({ version: '2.0.0' });
    expect(fs.readdirSync(path.join(dataDir, 'cache', 'downloads'))).toEqual([]);
  });

  it('stops a server that sends more than the announced size (endless data)', async () => {
    const { registry } = fresh();
    const catalog = await registry.openCatalog(`${base}index.json`, trust);
    overrides.set('acme.words-2.0.0.wext', (res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 1);
      const timer = setInterval(() => {
        if (!res.write(chunk)) return;
      }, 1);
      res.on('close', () => clearInterval(timer));
    });
    expect((await refusal(registry.installFromCatalog(catalog, 'acme.words', 'install'))).message).toMatch(
      /sent more than \d+ bytes/,
    );
  });

  it('refuses a swapped package body with the right size', async () => {
    const { registry } = fresh();
    const catalog = await registry.openCatalog(base, trust);
    const real = fs.readFileSync(path.join(repo, 'acme.words-2.0.0.wext'));
    overrides.set('acme.words-2.0.0.wext', (res) => res.writeHead(200).end(Buffer.alloc(real.length, 7)));
    expect((await refusal(registry.installFromCatalog(catalog, 'acme.words', 'install'))).message).toMatch(
      /does not match the SHA-256/,
    );
  });
});
