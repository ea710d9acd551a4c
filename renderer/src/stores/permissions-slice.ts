/** Stored grants and denials (revocable) and the admin policy in force. */
import type { GrantData } from '../../../electron/common/bridge/schemas';
import { describeError } from './call';
import type { SliceCreator } from './types';

export interface PermissionsSlice {
  grants: GrantData[];
  grantsLoaded: boolean;
  grantsError: string | null;
  policy: { text: string; rules: number } | null;
  /** Grant ids being revoked. */
  revoking: Record<string, true>;
  loadGrants(): Promise<void>;
  loadPolicy(): Promise<void>;
  revokeGrant(grantId: string): Promise<boolean>;
}

export const createPermissionsSlice: SliceCreator<PermissionsSlice> = (set, get) => ({
  grants: [],
  grantsLoaded: false,
  grantsError: null,
  policy: null,
  revoking: {},
  loadGrants: async () => {
    const r = await get().bridge.call('permissions.grants', {});
    if (r.ok) set({ grants: r.value, grantsLoaded: true, grantsError: null });
    else set({ grantsLoaded: true, grantsError: describeError(r.error) });
  },
  loadPolicy: async () => {
    const r = await get().bridge.call('permissions.policy', {});
    if (r.ok) set({ policy: r.value });
  },
  revokeGrant: async (grantId) => {
    if (get().revoking[grantId]) return false;
    set({ revoking: { ...get().revoking, [grantId]: true } });
    const r = await get().bridge.call('permissions.revoke', { grantId });
    const { [grantId]: _done, ...revoking } = get().revoking;
    if (r.ok) {
      set({ revoking, grants: get().grants.filter((g) => g.id !== grantId) });
      get().notify('success', 'Revoked: the next operation will be decided again');
    } else {
      set({ revoking });
      get().notify('error', `Revoke failed — ${describeError(r.error)}`);
    }
    await get().loadGrants();
    return r.ok;
  },
});
