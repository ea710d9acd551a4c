// Bills of materials and vulnerable-dependency alerts as a publisher, a user and an admin meet
// them: the built CLI in real processes, on an extension that bundles "lodash" 4.17.15 (a small
// package folder made here, named and versioned like the real one: the SBOM records name and
// version from package.json), matched against the real OSV records of two lodash advisories.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/sandbox';
import { rewrite, writeExt } from '../fixtures/packages/tools';

const OSV = path.resolve(__dirname, '../fixtures/advisories/lodash-osv.json');

let work: string;
let ext: string;
let key: string;
let feedKey: string;
let feed: string;
let wext: string;
beforeAll(async () => {
  work = tempDir('warden-sbom-');
  ext = path.join(work, 'lodash-user');
  fs.mkdirSync(path.join(ext, 'src'), { recursive: true });
  fs.mkdirSync(path.join(ext, 'node_modules', 'lodash'), { recursive: true });
  fs.mkdirSync(path.join(ext, 'node_modules', 'left-pad'), { recursive: true });
  fs.writeFileSync(
    path.join(ext, 'manifest.json'),
    JSON.stringify({
      id: 'acme.lodash-user',
      name: 'Lodash user',
      version: '1.0.0',
      publisher: 'acme',
      main: 'dist/extension.js',
      engines: { warden: '^1.0.0' },
      permissions: {},
      contributes: { commands: [{ id: 'chunk', title: 'Chunk' }] },
    }),
  );
  const lodash = path.join(ext, 'node_modules', 'lodash');
  fs.writeFileSync(
    path.join(lodash, 'package.json'),
    JSON.stringify({ name: 'lodash', version: '4.17.15', license: 'MIT', main: 'index.js' }),
  );
  fs.writeFileSync(
    path.join(lodash, 'index.js'),
    'exports.chunk = (a, n) => { const o = []; for (let i = 0; i < a.length; i += n) o.push(a.slice(i, i + n)); return o; };\n',
  );
  fs.writeFileSync(
    path.join(lodash, 'LICENSE'),
    'Copyright OpenJS Foundation and other contributors\n\nMIT licence text.\n',
  );
  // Installed but never imported: it must not appear in the SBOM.
  const leftPad = path.join(ext, 'node_modules', 'left-pad');
  fs.writeFileSync(
    path.join(leftPad, 'package.json'),
    JSON.stringify({ name: 'left-pad', version: '1.3.0', license: 'WTFPL' }),
  );
  fs.writeFileSync(path.join(leftPad, 'index.js'), 'module.exports = (s) => s;\n');
  fs.writeFileSync(
    path.join(ext, 'src', 'extension.js'),
    "const { chunk } = require('lodash');\nexports.activate = () => { host.commands.register('chunk', () => chunk([1, 2, 3], 2)); };\n",
  );
  key = path.join(work, 'keys', 'publisher.key');
  feedKey = path.join(work, 'keys', 'feed.key');
  for (const k of [key, feedKey]) expect((await runCli(['keygen', '--out', k])).code).toBe(0);
  feed = path.join(work, 'feed.json');
}, 60_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const home = (name: string) => path.join(work, name);

describe('warden build / pack / verify: the bill of materials', () => {
  it('build writes a CycloneDX SBOM of what the bundle holds, and the licence texts', async () => {
    const r = await runCli(['build', ext]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/bill of materials: .*sbom\.cdx\.json \(1 npm package\)\n {2}lodash@4\.17\.15 \(MIT\)\n$/);
    const bom = JSON.parse(fs.readFileSync(path.join(ext, 'sbom.cdx.json'), 'utf8'));
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6' });
    expect(bom.components).toHaveLength(1);
    const [c] = bom.components;
    expect(c).toMatchObject({
      type: 'library',
      name: 'lodash',
      version: '4.17.15',
      purl: 'pkg:npm/lodash@4.17.15',
      licenses: [{ license: { id: 'MIT' } }],
    });
    expect(c.hashes[0]).toMatchObject({ alg: 'SHA-256', content: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const licences = fs.readFileSync(path.join(ext, 'THIRD_PARTY_LICENSES.txt'), 'utf8');
    expect(licences).toContain('lodash 4.17.15 (MIT)');
    expect(licences).toContain('Copyright OpenJS Foundation and other contributors');
    expect(licences).not.toContain('left-pad');
  });

  it('pack ships and signs them; verify shows the bundled packages; a changed SBOM fails verify', async () => {
    wext = path.join(work, 'lodash-user.wext');
    const p = await runCli(['pack', ext, '--key', key, '--out', wext]);
    expect(p.code, p.stderr).toBe(0);
    const v = await runCli(['verify', wext]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/signature and 5 file hashes verified/);
    expect(v.stdout).toContain('bundled packages (sbom.cdx.json):\n  lodash@4.17.15 (MIT)\n');
    const j = JSON.parse((await runCli(['verify', wext, '--json'])).stdout);
    expect(j.sbom.components).toEqual([
      expect.objectContaining({
        name: 'lodash',
        version: '4.17.15',
        licenses: ['MIT'],
        purl: 'pkg:npm/lodash@4.17.15',
      }),
    ]);
    // Someone hides the old lodash by editing the SBOM after signing.
    const forged = rewrite(
      wext,
      (files) =>
        files.map((f) =>
          f.path === 'sbom.cdx.json'
            ? { ...f, data: Buffer.from(f.data.toString().replaceAll('4.17.15', '4.17.21')) }
            : f,
        ),
      path.join(work, 'forged.wext'),
    );
    const t = await runCli(['verify', forged]);
    expect(t.code).toBe(2);
    expect(t.stderr).toBe('warden: sbom.cdx.json does not match its signed hash (tampered)\n');
    const t2 = await runCli(['install', '--yes', forged, '--data-dir', home('forged-home')]);
    expect(t2.code).toBe(2);
  });

  it('pack refuses an SBOM left from another build of the bundle', async () => {
    const stale = path.join(work, 'stale');
    fs.cpSync(ext, stale, { recursive: true });
    fs.appendFileSync(path.join(stale, 'dist', 'extension.js'), '\n// edited after build\n');
    const r = await runCli(['pack', stale, '--key', key, '--out', path.join(work, 'stale.wext')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sbom\.cdx\.json describes another build of dist\/extension\.js \(stale\)/);
  });

  it('a package built without an SBOM still installs, and says it has no bill of materials', async () => {
    const old = path.join(work, 'old.wext');
    expect((await runCli(['pack', writeExt(work, { id: 'acme.old' }), '--key', key, '--out', old])).code).toBe(0);
    expect((await runCli(['verify', old])).stdout).toContain('no bill of materials\n');
    const i = await runCli(['install', '--yes', old, '--data-dir', home('old-home')]);
    expect(i.code, i.stderr).toBe(0);
    expect(i.stdout).toContain('no bill of materials');
    expect((await runCli(['list', '--data-dir', home('old-home')])).stdout).toContain(
      'acme.old: no bill of materials\n',
    );
  });
});

describe('warden advisories: a signed OSV feed matched against SBOMs', () => {
  it('signs the real lodash records into a feed', async () => {
    const r = await runCli(['advisories', 'sign', OSV, '--key', feedKey, '--out', feed, '--feed-version', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^signed 2 advisories → .*feed\.json \(feed version 2, key [0-9a-f]{64}\)\n$/);
  });

  it('install warns with each advisory id and fixed version, lists the package, and audits it', async () => {
    const h = home('user');
    const r = await runCli([
      'install',
      '--yes',
      wext,
      '--data-dir',
      h,
      '--feed',
      feed,
      '--trust-feed-key',
      `${feedKey}.pub`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('installed acme.lodash-user 1.0.0');
    expect(r.stdout).toContain('lodash@4.17.15 (MIT)');
    expect(r.stderr).toContain(
      'warden: warning: acme.lodash-user 1.0.0 bundles lodash@4.17.15: GHSA-p6mc-m468-83gw, CVE-2020-8203 (high) Prototype Pollution in lodash; fixed in 4.17.19\n',
    );
    expect(r.stderr).toContain(
      'warden: warning: acme.lodash-user 1.0.0 bundles lodash@4.17.15: GHSA-35jh-r3h4-6jhm, CVE-2021-23337 (high) Command Injection in lodash; fixed in 4.17.21\n',
    );
    const list = await runCli(['list', '--data-dir', h]);
    expect(list.stdout).toContain('acme.lodash-user: bundled packages (sbom.cdx.json):\n');
    expect(list.stdout).toContain('acme.lodash-user: lodash@4.17.15 (MIT)\n');
    const listJson = JSON.parse((await runCli(['list', '--json', '--data-dir', h])).stdout);
    expect(listJson[0].sbom.components[0]).toMatchObject({ name: 'lodash', version: '4.17.15' });
    const audit = await runCli(['audit', '--json', '--data-dir', h]);
    expect(audit.stdout).toContain('GHSA-35jh-r3h4-6jhm');
  });

  it('warden advisories [--json] lists what is installed against the kept feed (offline)', async () => {
    const h = home('user');
    // The kept feed is trusted through config.json from now on (no flag).
    fs.writeFileSync(
      path.join(h, 'config.json'),
      JSON.stringify({ advisoryKeys: [fs.readFileSync(`${feedKey}.pub`, 'utf8').trim()] }),
    );
    const r = await runCli(['advisories', '--json', '--data-dir', h]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.feed).toMatchObject({ version: 2, records: 2 });
    expect(out.findings).toEqual([
      expect.objectContaining({
        extension: 'acme.lodash-user',
        id: 'GHSA-35jh-r3h4-6jhm',
        aliases: ['CVE-2021-23337'],
        package: 'lodash',
        version: '4.17.15',
        severity: 'high',
        fixed: '4.17.21',
      }),
      expect.objectContaining({ id: 'GHSA-p6mc-m468-83gw', fixed: '4.17.19', severity: 'high' }),
    ]);
    const text = await runCli(['advisories', '--data-dir', h]);
    expect(text.stdout).toContain('2 advisories in 1 of 1 extensions');
  });

  it('refuses a feed with a bad signature, an untrusted key, or an older version', async () => {
    const h = home('user');
    const bad = path.join(work, 'bad-feed.json');
    fs.writeFileSync(bad, fs.readFileSync(feed, 'utf8').replace('"fixed": "4.17.21"', '"fixed": "4.17.10"'));
    const r = await runCli(['advisories', '--feed', bad, '--data-dir', h]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('warden: bad advisory feed signature: the feed was changed after signing\n');
    const i = await runCli([
      'install',
      '--yes',
      wext,
      '--data-dir',
      home('bad-feed-home'),
      '--feed',
      bad,
      '--trust-feed-key',
      `${feedKey}.pub`,
    ]);
    expect(i.code).toBe(2);
    expect(i.stderr).toMatch(/bad advisory feed signature/);
    expect((await runCli(['list', '--data-dir', home('bad-feed-home')])).stdout).toBe('no extensions installed\n');
    const untrusted = await runCli(['advisories', '--feed', feed, '--data-dir', home('nobody')]);
    expect(untrusted.code).toBe(2);
    expect(untrusted.stderr).toMatch(/no trusted advisory keys/);
    const older = path.join(work, 'older-feed.json');
    expect(
      (await runCli(['advisories', 'sign', OSV, '--key', feedKey, '--out', older, '--feed-version', '1'])).code,
    ).toBe(0);
    const rb = await runCli(['advisories', '--feed', older, '--data-dir', h]);
    expect(rb.code).toBe(2);
    expect(rb.stderr).toMatch(/older than version 2 already seen \(rollback\)/);
  });

  it('an admin policy refuses high advisories at install (exit 2) and nothing is installed', async () => {
    const h = home('managed');
    const policy = path.join(work, 'policy.json');
    fs.writeFileSync(policy, JSON.stringify({ version: 1, advisories: { refuseAtOrAbove: 'high' } }));
    const r = await runCli([
      'install',
      '--yes',
      wext,
      '--data-dir',
      h,
      '--policy',
      policy,
      '--feed',
      feed,
      '--trust-feed-key',
      `${feedKey}.pub`,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /acme\.lodash-user 1\.0\.0 is refused: the admin policy refuses bundled packages with high or worse advisories, and it bundles lodash@4\.17\.15: GHSA-/,
    );
    expect((await runCli(['list', '--data-dir', h])).stdout).toBe('no extensions installed\n');
    // "critical" refuses only critical: the same package installs with warnings.
    fs.writeFileSync(policy, JSON.stringify({ version: 1, advisories: { refuseAtOrAbove: 'critical' } }));
    const ok = await runCli([
      'install',
      '--yes',
      wext,
      '--data-dir',
      h,
      '--policy',
      policy,
      '--feed',
      feed,
      '--trust-feed-key',
      `${feedKey}.pub`,
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('GHSA-p6mc-m468-83gw');
  });
});
