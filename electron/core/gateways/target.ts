/**
 * The canonical target of a permission: what a grant names and what the check it authorises
 * compares, as one string. Only the gateways' canonicalisers make one (fs: fs/fs-target.ts, net:
 * net/net-target.ts, secrets and notifications below), through mint.ts, which nothing outside
 * electron/core/gateways may import (eslint.config.mjs); anywhere else the brand cannot be
 * written (test/unit/canonical-target.test.ts), so `host.permissions.query/request`, the broker
 * and the gateways' own checks cannot disagree about what a spelling names.
 */
import { WardenError } from '../../common/errors';
import { mintTarget } from './mint';

declare const canonicalBrand: unique symbol;

/** A canonical target string: an absolute real path, a normalised URL, a secret name, `*`. */
export type CanonicalString = string & { readonly [canonicalBrand]: true };

export type TargetKind = 'fs' | 'net' | 'secrets' | 'notifications';

export interface CanonicalTarget {
  readonly kind: TargetKind;
  readonly canonical: CanonicalString;
  /** What prompts and the panel show: `~/…` for a path in the home folder (permissions/display.ts). */
  readonly display: string;
}

/** A secret is named by its name (non-empty), exactly as the extension gave it. */
export function secretTarget(name: string | undefined): CanonicalTarget {
  if (!name) throw new WardenError('EINVAL', 'secrets needs a target: the secret name');
  return mintTarget('secrets', name, name);
}

/** Notifications have one target: all of them. */
export const notificationsTarget = (): CanonicalTarget => mintTarget('notifications', '*', '*');
