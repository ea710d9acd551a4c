// The machine/per-user policy merge: the per-user layer narrows, never widens.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ceiling,
  loadEffectivePolicy,
  machinePolicyPaths,
  mergePolicyLayers,
  mostRestrictive,
  MACHINE_POLICY_ENV,
} from '../../electron/core/permissions/policy-layers';
import {
  extensionForbidden,
  parsePolicy,
  policyVerdict,
  PolicyError,
  type PolicyLayer,
} from '../../electron/core/permissions/policy';

const layer = (file: string, raw: Record<string, unknown>): PolicyLayer => {
  const r = parsePolicy(raw);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return { file, policy: r.policy, given: new Set(Object.keys(raw)) };
};
const who = { extensionId: 'acme.tool', publisher: 'acme' };
const docs = { capability: 'fs.read', targets: ['/data/docs/**'] } as const;
const net = { capability: 'net', targets: ['https://api.example.com/**'] } as const;

describe('mergePolicyLayers', () => {
  it('forbid lists are the union (duplicates once, notes ignored)', () => {
    const m = mergePolicyLayers(
      layer('machine', { version: 1, forbid: [docs], extensions: { forbid: ['evil.*'] } }),
      layer('user', { version: 1, forbid: [{ ...docs, note: 'again' }, net], extensions: { forbid: ['bad.x'] } }),
    ).policy;
    expect(m.forbid).toEqual([docs, net]);
    expect(m.extensions.forbid).toEqual(['evil.*', 'bad.x']);
  });

  it('allow lists are the intersection of the layers that write one', () => {
    const machine = layer('machine', { version: 1, allow: [docs, net] });
    expect(mergePolicyLayers(machine, layer('user', { version: 1, allow: [net] })).policy.allow).toEqual([net]);
    expect(mergePolicyLayers(machine, layer('user', { version: 1, allow: [] })).policy.allow).toEqual([]);
    // A user rule the machine does not hold is not added.
    expect(
      mergePolicyLayers(machine, layer('user', { version: 1, allow: [{ capability: 'secrets' }] })).policy.allow,
    ).toEqual([]);
    // A layer without an `allow` key has no say.
    expect(mergePolicyLayers(machine, layer('user', { version: 1 })).policy.allow).toEqual([docs, net]);
    expect(
      mergePolicyLayers(layer('machine', { version: 1 }), layer('user', { version: 1, allow: [net] })).policy.allow,
    ).toEqual([net]);
    // Same rule with its lists in another order is the same rule.
    const two = { capability: 'fs.read', targets: ['/a/**', '/b/**'] } as const;
    expect(
      mergePolicyLayers(
        layer('m', { version: 1, allow: [two] }),
        layer('u', { version: 1, allow: [{ capability: 'fs.read', targets: ['/b/**', '/a/**'] }] }),
      ).policy.allow,
    ).toEqual([two]);
  });

  it('the merged policy is never wider than the machine layer', () => {
    const machine = layer('machine', { version: 1, forbid: [docs], allow: [net] });
    const user = layer('user', { version: 1, allow: [docs, net, { capability: 'secrets' }] });
    const m = mergePolicyLayers(machine, user).policy;
    expect(policyVerdict(m, who, 'fs.read', '/data/docs/a.txt')).toBe('forbid');
    expect(policyVerdict(m, who, 'secrets', 'TOKEN')).toBeUndefined();
    expect(policyVerdict(m, who, 'net', 'https://api.example.com/x')).toBe('allow');
  });

  it('ceilings take the minimum, booleans the restrictive value', () => {
    expect(ceiling(600, 100, true, true)).toBe(100);
    expect(ceiling(undefined, 100, false, true)).toBe(100);
    expect(ceiling(50, undefined, true, false)).toBe(50);
    const noLocal = mostRestrictive(false);
    expect(noLocal(true, false, true, true)).toBe(false);
    expect(noLocal(false, true, true, true)).toBe(false);
    expect(noLocal(true, true, true, true)).toBe(true);
  });
});

describe('publisher rules and forbidden extensions', () => {
  const signed = { extensionId: 'shady.tool', publisher: 'shady', fingerprint: 'ab'.repeat(32) };
  const byName = layer('p', { version: 1, forbid: [{ capability: 'net', publishers: ['shady'] }] }).policy;
  const byKey = layer('p', { version: 1, forbid: [{ capability: 'net', publishers: ['abab*'] }] }).policy;
  it('a forbid rule matches a signed package by publisher name and by key fingerprint', () => {
    expect(policyVerdict(byName, signed, 'net', 'https://x.test/')).toBe('forbid');
    expect(policyVerdict(byKey, signed, 'net', 'https://x.test/')).toBe('forbid');
    expect(policyVerdict(byKey, { ...signed, fingerprint: 'cd'.repeat(32) }, 'net', 'https://x.test/')).toBeUndefined();
  });
  it('an allow rule matches a signed package only by key (a name is a claim)', () => {
    const allowName = layer('p', { version: 1, allow: [{ capability: 'net', publishers: ['shady'] }] }).policy;
    expect(policyVerdict(allowName, signed, 'net', 'https://x.test/')).toBeUndefined();
    expect(policyVerdict(allowName, { extensionId: 'shady.tool', publisher: 'shady' }, 'net', 'https://x.test/')).toBe(
      'allow',
    );
    const allowKey = layer('p', { version: 1, allow: [{ capability: 'net', publishers: ['ab'.repeat(32)] }] }).policy;
    expect(policyVerdict(allowKey, signed, 'net', 'https://x.test/')).toBe('allow');
  });
  it('extensions.forbid and subject-only forbid rules forbid the extension outright', () => {
    const p = layer('p', { version: 1, extensions: { forbid: ['evil.*'] } }).policy;
    expect(extensionForbidden(p, { extensionId: 'evil.tool', publisher: 'evil' })).toMatch(/forbids evil\.tool/);
    expect(extensionForbidden(p, { extensionId: 'acme.evil', publisher: 'acme' })).toBeUndefined();
    const pub = layer('p', { version: 1, forbid: [{ publishers: ['shady'], note: 'known malware' }] }).policy;
    expect(extensionForbidden(pub, signed)).toMatch(/publisher shady.*known malware/);
    expect(extensionForbidden(byName, signed)).toBeUndefined(); // a capability rule is not a ban
  });
});

describe('loadEffectivePolicy', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-layers-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, v: unknown) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, typeof v === 'string' ? v : JSON.stringify(v));
    return f;
  };

  it('knows each platform’s machine location; on Windows %ProgramData% cannot replace C:\\ProgramData', () => {
    expect(machinePolicyPaths('linux', {})).toEqual(['/etc/warden/policy.json']);
    expect(machinePolicyPaths('darwin', {})).toEqual(['/Library/Application Support/Warden/policy.json']);
    expect(machinePolicyPaths('win32', {})).toEqual(['C:\\ProgramData\\Warden\\policy.json']);
    expect(machinePolicyPaths('win32', { ProgramData: 'D:\\Elsewhere' })).toEqual([
      'D:\\Elsewhere\\Warden\\policy.json',
      'C:\\ProgramData\\Warden\\policy.json',
    ]);
  });

  it('merges the env layer with the per-user file; a missing default per-user file is no layer', () => {
    const machine = write('machine.json', { version: 1, forbid: [docs] });
    const eff = loadEffectivePolicy({
      userFile: path.join(dir, 'absent.json'),
      env: { [MACHINE_POLICY_ENV]: machine },
      platform: 'linux',
    });
    expect(eff.files).toEqual([machine]);
    expect(eff.policy.forbid).toEqual([docs]);
  });

  it('a named per-user file must exist; any layer that cannot be used is a PolicyError', () => {
    expect(() => loadEffectivePolicy({ userFile: path.join(dir, 'absent.json'), userExplicit: true, env: {} })).toThrow(
      PolicyError,
    );
    expect(() => loadEffectivePolicy({ userFile: write('bad.json', '{'), env: {} })).toThrow(/not valid JSON/);
    expect(() =>
      loadEffectivePolicy({
        userFile: path.join(dir, 'absent.json'),
        env: { [MACHINE_POLICY_ENV]: write('m2.json', { version: 1, forbid: 'x' }) },
      }),
    ).toThrow(PolicyError);
  });
});
