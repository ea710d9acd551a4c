import { beforeEach, describe, expect, it } from 'vitest';
import { FakeBridge } from './fake-bridge';
import { grant } from './fixtures';
import { startStore, store } from './helpers';

let bridge: FakeBridge;
let grants = [grant(), grant({ id: 'g2', effect: 'deny', capability: 'net', scope: 'https://evil.example/**' })];
beforeEach(async () => {
  grants = [grant(), grant({ id: 'g2', effect: 'deny', capability: 'net', scope: 'https://evil.example/**' })];
  bridge = new FakeBridge()
    .handle('permissions.grants', () => grants)
    .handle('permissions.policy', () => ({ text: 'forbid net *.ads.example', rules: 1 }));
  await startStore(bridge);
});

describe('permissions slice', () => {
  it('loads grants and the policy', () => {
    expect(store().grants.map((g) => g.id)).toEqual(['g1', 'g2']);
    expect(store().policy).toEqual({ text: 'forbid net *.ads.example', rules: 1 });
  });

  it('revokes a grant and reloads', async () => {
    bridge.handle('permissions.revoke', (p) => {
      grants = grants.filter((g) => g.id !== p.grantId);
      return {};
    });
    expect(await store().revokeGrant('g1')).toBe(true);
    expect(bridge.callsOf('permissions.revoke')).toEqual([{ grantId: 'g1' }]);
    expect(store().grants.map((g) => g.id)).toEqual(['g2']);
    expect(store().revoking).toEqual({});
  });

  it('keeps the grant and says why when revoking fails', async () => {
    bridge.handle('permissions.revoke', () => ({ error: { code: 'ENOENT', message: 'no such grant' } }));
    expect(await store().revokeGrant('g1')).toBe(false);
    expect(store().grants.map((g) => g.id)).toEqual(['g1', 'g2']);
    expect(store().notices.at(-1)).toMatchObject({
      level: 'error',
      text: 'Revoke failed — Something it needed does not exist. no such grant (ENOENT)',
    });
  });
});
