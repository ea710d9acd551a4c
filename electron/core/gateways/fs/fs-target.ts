/**
 * The fs canonicaliser: the same two steps every fs gateway call takes before its permission
 * check (canonical-path.ts lexically, then resolve.ts for the real path, asynchronously), so
 * `host.permissions.query/request` ask about exactly what a read or write would be checked for.
 */
import { homeRelative } from '../../permissions/display';
import { mintTarget } from '../mint';
import type { CanonicalTarget } from '../target';
import { canonicalisePath, type CanonicalOptions } from './canonical-path';
import { mapFsError } from './errors';
import { resolveReal } from './resolve';

/** The target of an fs check on a real path (home shown as `~`). */
export const fsTarget = (real: string, homeDir: string): CanonicalTarget =>
  mintTarget('fs', real, homeRelative(real, homeDir));

/** A path an extension gave (`~/…` or absolute) as the target reads and writes of it are checked for. */
export async function canonicalFsTarget(given: string, options: CanonicalOptions): Promise<CanonicalTarget> {
  const c = canonicalisePath(given, options);
  try {
    return fsTarget((await resolveReal(c, true, options.platform)).target, options.homeDir);
  } catch (err) {
    throw mapFsError(err, given);
  }
}
