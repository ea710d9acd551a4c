/** One wording for every permission refusal, whichever gateway or call makes it. */
import { WardenError, type DenyReason } from '../../common/errors';
import type { Capability } from '../../common/protocol';

const WHY: Record<DenyReason, string> = {
  undeclared: 'not declared in manifest.json permissions',
  denied: 'denied',
  policy: 'forbidden by the administrator',
  timeout: 'no answer in time',
};

/** `EPERM` naming the target as the extension gave it (never a resolved path it was not given). */
export function denialError(capability: Capability, shown: string, reason: DenyReason): WardenError {
  return new WardenError('EPERM', `${capability} ${shown}: ${WHY[reason]}`, { reason });
}
