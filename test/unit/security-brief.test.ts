// The security brief's words and risk rule (docs/security-brief.md): each rule branch on its own.
import { describe, expect, it } from 'vitest';
import { parseManifest, type Manifest, type Permissions } from '../../electron/common/manifest';
import { SecurityBriefSchema } from '../../electron/common/security-brief';
import { assessRisk, type RiskFacts } from '../../electron/core/trust/risk';
import { createSecurityBrief } from '../../electron/core/trust/brief';
import { formatBrief } from '../../electron/core/trust/format';
import { capabilityWords, fsWords, limitWords, netWords, permissionChanges } from '../../electron/core/trust/words';

const FPR_A = 'a'.repeat(64);
const FPR_B = 'b'.repeat(64);

function manifest(permissions: Permissions = {}, limits: Record<string, number> = {}): Manifest {
  const r = parseManifest({
    id: 'acme.tool',
    name: 'Acme Tool',
    version: '1.2.0',
    publisher: 'acme',
    main: 'dist/extension.js',
    engines: { warden: '^1.0.0' },
    permissions,
    limits,
  });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.manifest;
}

const risk = (f: Partial<RiskFacts>) =>
  assessRisk({ permissions: {}, signed: true, keyChanged: false, advisories: [], ...f });
const rules = (f: Partial<RiskFacts>) => risk(f).reasons.map((r) => r.rule);

describe('plain words', () => {
  it('says what each fs pattern reaches', () => {
    expect(fsWords('fs.read', '~/Documents/**')).toBe('read files in Documents and every folder inside it');
    expect(fsWords('fs.read', '~/Documents/*')).toBe('read files directly in Documents');
    expect(fsWords('fs.read', '~/Documents/notes/*.md')).toBe('read files matching "*.md" in ~/Documents/notes');
    expect(fsWords('fs.write', '~/Documents/out/**')).toBe(
      'create, change and delete files in ~/Documents/out and every folder inside it',
    );
    expect(fsWords('fs.read', '~/.gitconfig')).toBe('read ~/.gitconfig');
    expect(fsWords('fs.read', '~/**')).toBe('read any file in your home folder');
    expect(fsWords('fs.read', '~')).toBe('read any file in your home folder');
    expect(fsWords('fs.read', '~/*')).toBe('read any file in your home folder');
    expect(fsWords('fs.write', '/**')).toBe('create, change and delete any file on this computer');
    expect(fsWords('fs.read', 'C:\\**')).toBe('read any file on this computer');
    expect(fsWords('fs.read', '/srv/data/**')).toBe('read files in /srv/data and every folder inside it');
  });

  it('says which hosts a net pattern reaches', () => {
    expect(netWords('https://api.github.com/**')).toBe('connect to api.github.com');
    expect(netWords('https://api.github.com')).toBe('connect to api.github.com');
    expect(netWords('https://*.example.com/**')).toBe('connect to any address under example.com');
    expect(netWords('https://*/**')).toBe('connect to any website');
    expect(netWords('http://intranet.local:8080/v1/**')).toBe(
      'connect to intranet.local on port 8080 (only /v1/**), unencrypted (http)',
    );
    expect(netWords('https://h.example:*/**')).toBe('connect to h.example on any port');
  });

  it('lists every permission, secrets and notifications included, and the limits in words', () => {
    expect(
      capabilityWords({ net: ['https://api.github.com/**'], secrets: ['GITHUB_TOKEN'], notifications: true }),
    ).toEqual([
      { capability: 'net', pattern: 'https://api.github.com/**', words: 'connect to api.github.com' },
      { capability: 'secrets', pattern: 'GITHUB_TOKEN', words: 'use your secret "GITHUB_TOKEN"' },
      { capability: 'notifications', words: 'show notifications' },
    ]);
    const limits = limitWords(manifest({}, { memoryMb: 512 }).limits);
    expect(limits[0]).toBe('memory: up to 512 MB (its own setting; default 128)');
    expect(limits).toContain('processor: up to 50% of one core');
    expect(limits).toContain('each command is stopped after 30 s');
  });

  it('diffs permissions both ways for an update', () => {
    const d = permissionChanges(
      { 'fs.read': ['~/Documents/**'], notifications: true },
      { 'fs.read': ['~/Documents/**', '~/Pictures/**'], net: ['https://api.github.com/**'] },
    );
    expect(d.added.map((c) => c.words)).toEqual([
      'read files in Pictures and every folder inside it',
      'connect to api.github.com',
    ]);
    expect(d.removed.map((c) => c.words)).toEqual(['show notifications']);
  });
});

describe('the risk rule', () => {
  it('L1: nothing risky → low, saying no rule applies', () => {
    expect(risk({ permissions: { 'fs.read': ['~/Documents/**'], notifications: true } })).toEqual({
      level: 'low',
      reasons: [{ rule: 'L1', level: 'low', words: 'no rule for medium or high risk applies' }],
    });
    expect(risk({ permissions: { net: ['https://api.github.com/**'] } }).level).toBe('low');
  });

  it('H1: the whole home folder or computer, read or write → high', () => {
    for (const p of ['~/**', '~', '/**', '~/*']) {
      expect(risk({ permissions: { 'fs.read': [p] } }).level, p).toBe('high');
      expect(rules({ permissions: { 'fs.read': [p] } })).toEqual(['H1']);
    }
    expect(rules({ permissions: { 'fs.write': ['/**'] } })).toEqual(['H1']);
    expect(risk({ permissions: { 'fs.write': ['/**'] } }).reasons[0]!.words).toMatch(/the whole computer/);
  });

  it('H2: any host → high', () => {
    expect(risk({ permissions: { net: ['https://*/**'] } })).toMatchObject({ level: 'high' });
    expect(rules({ permissions: { net: ['https://*/**'] } })).toEqual(['H2']);
  });

  it('H3 / M6 / L2: advisories by severity (and MAL- as critical)', () => {
    const adv = (id: string, severity: 'low' | 'moderate' | 'high' | 'critical' | 'unknown') => ({
      id,
      package: 'lodash',
      severity,
    });
    expect(risk({ advisories: [adv('GHSA-1', 'high')] }).level).toBe('high');
    expect(rules({ advisories: [adv('GHSA-1', 'critical')] })).toEqual(['H3']);
    expect(rules({ advisories: [adv('MAL-2024-1', 'unknown')] })).toEqual(['H3']);
    expect(risk({ advisories: [adv('GHSA-2', 'moderate')] }).level).toBe('medium');
    expect(rules({ advisories: [adv('GHSA-2', 'unknown')] })).toEqual(['M6']);
    expect(risk({ advisories: [adv('GHSA-3', 'low')] })).toMatchObject({ level: 'low' });
    expect(rules({ advisories: [adv('GHSA-3', 'low')] })).toEqual(['L2', 'L1']);
  });

  it('H4: a key other than the pinned one → high', () => {
    expect(risk({ keyChanged: true })).toMatchObject({ level: 'high' });
    expect(rules({ keyChanged: true })).toEqual(['H4']);
  });

  it('M1: writes files in a named folder → medium', () => {
    expect(risk({ permissions: { 'fs.write': ['~/Documents/out/**'] } }).level).toBe('medium');
    expect(rules({ permissions: { 'fs.write': ['~/Documents/out/**'] } })).toEqual(['M1']);
  });

  it('M2: reads files and connects to the network → medium', () => {
    const p = { 'fs.read': ['~/Documents/**'], net: ['https://api.github.com/**'] };
    expect(risk({ permissions: p }).level).toBe('medium');
    expect(rules({ permissions: p })).toEqual(['M2']);
  });

  it('M3: a whole domain, any port or http → medium', () => {
    expect(rules({ permissions: { net: ['https://*.example.com/**'] } })).toEqual(['M3']);
    expect(rules({ permissions: { net: ['http://api.example.com/**'] } })).toEqual(['M3']);
    expect(rules({ permissions: { net: ['https://api.example.com:*/**'] } })).toEqual(['M3']);
    expect(risk({ permissions: { net: ['http://api.example.com/**'] } }).level).toBe('medium');
  });

  it('M4: secrets → medium', () => {
    expect(risk({ permissions: { secrets: ['API_TOKEN'] } })).toMatchObject({ level: 'medium' });
    expect(rules({ permissions: { secrets: ['API_TOKEN'] } })).toEqual(['M4']);
  });

  it('M5: an unsigned developer copy → medium', () => {
    expect(risk({ signed: false })).toMatchObject({ level: 'medium' });
    expect(rules({ signed: false })).toEqual(['M5']);
  });

  it('M7: an update that adds permissions → medium', () => {
    expect(risk({ added: 2 }).reasons[0]).toEqual({
      rule: 'M7',
      level: 'medium',
      words: 'this update asks for 2 permissions more',
    });
  });

  it('takes the highest level and lists every reason, highest first', () => {
    const r = risk({
      permissions: { 'fs.read': ['~/**'], net: ['https://api.github.com/**'], secrets: ['T'] },
      signed: false,
    });
    expect(r.level).toBe('high');
    expect(r.reasons.map((x) => x.rule)).toEqual(['H1', 'M2', 'M4', 'M5']);
  });
});

describe('createSecurityBrief', () => {
  it('builds a valid brief for a first install: new key, words, limits, components, advisories', () => {
    const b = createSecurityBrief({
      manifest: manifest({ 'fs.read': ['~/Documents/**'], net: ['https://api.github.com/**'], notifications: true }),
      signature: { sha256: 'c'.repeat(64), fingerprint: FPR_A },
      components: [{ name: 'lodash', version: '4.17.20', licence: 'MIT' }],
      advisories: [{ id: 'GHSA-35jh-r3h4-6jhm', package: 'lodash', severity: 'HIGH', fixed: '4.17.21' }],
    });
    expect(SecurityBriefSchema.parse(b)).toEqual(b);
    expect(b).toMatchObject({
      kind: 'install',
      id: 'acme.tool',
      signed: true,
      key: { fingerprint: FPR_A, status: 'new' },
      advisories: [{ id: 'GHSA-35jh-r3h4-6jhm', severity: 'high', fixed: '4.17.21' }],
      risk: { level: 'high' },
    });
    expect(b.capabilities.map((c) => c.words)).toEqual([
      'read files in Documents and every folder inside it',
      'connect to api.github.com',
      'show notifications',
    ]);
    const text = formatBrief(b);
    expect(text).toMatch(/^Security brief: Acme Tool \(acme\.tool\), install 1\.2\.0\nrisk: +HIGH\n/);
    expect(text).toContain('read files in Documents and every folder inside it  [fs.read ~/Documents/**]');
    expect(text).toContain('first seen');
    expect(text).toContain('lodash 4.17.20 (MIT)');
    expect(text).toContain('GHSA-35jh-r3h4-6jhm in lodash: high, fixed in 4.17.21');
  });

  it('an update: the pinned key, and the permission diff added and removed', () => {
    const b = createSecurityBrief({
      manifest: manifest({ 'fs.read': ['~/Documents/**'], secrets: ['API_TOKEN'] }),
      installed: { version: '1.0.0', permissions: { 'fs.read': ['~/Documents/**'], notifications: true } },
      signature: {
        sha256: 'c'.repeat(64),
        fingerprint: FPR_A,
        pin: { fingerprint: FPR_A, pinnedAt: Date.UTC(2026, 0, 2) },
      },
    });
    expect(b).toMatchObject({ kind: 'update', from: '1.0.0', key: { status: 'pinned' }, risk: { level: 'medium' } });
    expect(b.changes!.added.map((c) => c.words)).toEqual(['use your secret "API_TOKEN"']);
    expect(b.changes!.removed.map((c) => c.words)).toEqual(['show notifications']);
    expect(b.risk.reasons.map((r) => r.rule)).toEqual(['M4', 'M7']);
    const text = formatBrief(b);
    expect(text).toContain('pinned since 2026-01-02');
    expect(text).toContain('+ use your secret "API_TOKEN"  [secrets API_TOKEN]');
    expect(text).toContain('- show notifications');
    expect(text).toContain('bundled packages: not listed');
  });

  it('a key other than the pinned one, and an unsigned copy', () => {
    const changed = createSecurityBrief({
      manifest: manifest(),
      signature: { sha256: 'c'.repeat(64), fingerprint: FPR_B, pin: { fingerprint: FPR_A, pinnedAt: 0 } },
    });
    expect(changed.key).toEqual({ fingerprint: FPR_B, status: 'changed', pinnedAt: 0, pinnedFingerprint: FPR_A });
    expect(changed.risk.level).toBe('high');
    const dev = createSecurityBrief({ manifest: manifest() });
    expect(dev).toMatchObject({ signed: false, risk: { level: 'medium' } });
    expect(dev.key).toBeUndefined();
    expect(formatBrief(dev)).toContain('unsigned developer copy');
  });
});
