/**
 * The host side of the API deprecation timeline (common/api-deprecations.ts): a call to a
 * deprecated method is forwarded to its replacement (the shim for a renamed call), logged to the
 * extension's log once per activation and audited (`deprecated-call`) once per activation; past
 * its `removedIn` it fails with ENOSYS. What an extension used is kept for the panel.
 */
import { WardenError } from '../../common/errors';
import type { HostMethod } from '../../common/protocol';
import {
  API_DEPRECATIONS,
  deprecationOf,
  describeDeprecation,
  isRemoved,
  type ApiDeprecation,
} from '../../common/api-deprecations';
import { WARDEN_API_VERSION } from '../../common/version';
import type { AuditLog } from '../platform/audit-log';

export interface DeprecationTracker {
  /** The method to run for `method` (its replacement when deprecated); ENOSYS when removed. */
  resolve(method: HostMethod): HostMethod;
  /** A new activation: each deprecated call is logged and audited again, once. */
  newActivation(): void;
  /** The deprecated calls this extension has made (since it was added), for the panel. */
  used(): ApiDeprecation[];
}

export interface DeprecationTrackerOptions {
  extensionId: string;
  audit?: AuditLog;
  /** The extension's log (shown with its console output). */
  warn?(message: string): void;
  apiVersion?: string;
  registry?: readonly ApiDeprecation[];
}

export function createDeprecationTracker(o: DeprecationTrackerOptions): DeprecationTracker {
  const apiVersion = o.apiVersion ?? WARDEN_API_VERSION;
  const registry = o.registry ?? API_DEPRECATIONS;
  let seen = new Set<string>();
  const used = new Map<string, ApiDeprecation>();
  return {
    resolve(method) {
      const d = deprecationOf(method, registry);
      if (!d) return method;
      const text = describeDeprecation(d, apiVersion);
      const removed = isRemoved(d, apiVersion);
      used.set(d.call, d);
      if (!seen.has(d.call)) {
        seen.add(d.call);
        o.warn?.(text);
        o.audit?.write({
          ext: o.extensionId,
          kind: 'deprecated-call',
          method: d.call,
          detail: text,
          ...(removed ? { decision: 'deny' as const, reason: 'removed' } : {}),
        });
      }
      if (removed || !d.replacement) throw new WardenError('ENOSYS', text);
      return d.replacement;
    },
    newActivation() {
      seen = new Set();
    },
    used: () => [...used.values()],
  };
}
