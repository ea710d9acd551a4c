// Staged rollout's policy keys merge so the machine layer wins, and the installation bucket is
// made once even when first runs race.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergePolicyLayers } from '../../electron/core/permissions/policy-layers';
import { parsePolicy, updatePolicyOf, type PolicyLayer } from '../../electron/core/permissions/policy';
import { installationBucket, pinProblem } from '../../electron/core/packages/rollout';
import { tempDir } from '../helpers/sandbox';

const layer = (file: string, raw: Record<string, unknown>): PolicyLayer => {
  const r = parsePolicy(raw);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return { file, policy: r.policy, given: new Set(Object.keys(raw)) };
};
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('rollout policy', () => {
  it("the machine layer's pin of an id and its updates.staged win; the user may pin other ids", () => {
    const m = mergePolicyLayers(
      layer('machine', { version: 1, updates: { staged: true }, extensions: { pin: { 'acme.a': '1.x' } } }),
      layer('user', {
        version: 1,
        updates: { staged: false },
        extensions: { pin: { 'acme.a': '2.x', 'acme.b': '3.0.0' } },
      }),
    ).policy;
    expect(updatePolicyOf(m)).toEqual({ staged: true, pins: { 'acme.a': '1.x', 'acme.b': '3.0.0' } });
    // A machine file silent on staging leaves it to the user; no policy means staged, no pins.
    const quiet = mergePolicyLayers(
      layer('machine', { version: 1 }),
      layer('user', { version: 1, updates: { staged: false } }),
    );
    expect(updatePolicyOf(quiet.policy).staged).toBe(false);
    expect(updatePolicyOf(layer('none', { version: 1 }).policy)).toEqual({ staged: true, pins: {} });
  });

  it('refuses versions outside a pin and invalid ranges', () => {
    expect(pinProblem({ 'acme.a': '~1.4.0' }, 'acme.a', '1.4.9')).toBeUndefined();
    expect(pinProblem({ 'acme.a': '~1.4.0' }, 'acme.a', '1.5.0')).toMatch(/outside the administrator's pin "~1\.4\.0"/);
    expect(pinProblem({ 'acme.a': '1.x' }, 'acme.other', '9.0.0')).toBeUndefined();
    expect(parsePolicy({ version: 1, extensions: { pin: { 'acme.a': 'latest' } } }).ok).toBe(false);
    expect(parsePolicy({ version: 1, updates: { staged: 'no' } }).ok).toBe(false);
  });

  it('racing first runs agree on one bucket, kept 0600; a damaged file is an error, not a new bucket', async () => {
    const dir = tempDir('warden-bucket-');
    dirs.push(dir);
    const got = await Promise.all(Array.from({ length: 8 }, () => installationBucket(dir)));
    expect(new Set(got).size).toBe(1);
    const file = path.join(dir, 'install-id.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['install-id.json']);
    fs.writeFileSync(file, '{"bucket": 100}');
    await expect(installationBucket(dir)).rejects.toThrow(/damaged/);
  });
});
