/**
 * Step 2: the real path a permission is asked for. An existing target is resolved with realpath
 * (`followFinal`), or its parent is and the final name kept (`remove`/`mkdir`, which act on a
 * link itself). A target that does not exist is named by the real path of its deepest existing
 * ancestor plus the missing names, so the decision is asked before anything, even "no such file",
 * is told to the extension (no existence oracle outside its grants).
 */
import fs from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { joinCanonical, pathFor, type CanonicalPath } from './canonical-path';
import { errno } from './errors';

export interface Resolution {
  /** The canonical real path to authorise and act on. */
  target: string;
  /** lstat of `target` at check time; undefined when nothing is there. */
  stat?: Stats;
  /** The real directory holding `target` (undefined for a root, or when it does not exist). */
  parent?: { real: string; stat: Stats };
  /** The final name of `target` in `parent`. */
  name: string;
  /** Deepest existing real ancestor (or the target itself) and the names below it that are missing. */
  existing: { real: string; stat: Stats };
  missing: string[];
  /** Why realpath failed, raised only after the permission decision. */
  error?: NodeJS.ErrnoException;
}

/** realpath failures that mean "look at a shorter prefix" rather than a host fault. */
const WALK_UP = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'EACCES', 'EPERM', 'ENAMETOOLONG']);

export async function resolveReal(
  c: CanonicalPath,
  followFinal: boolean,
  platform: NodeJS.Platform,
): Promise<Resolution> {
  const P = pathFor(platform);
  const segs = c.segments;
  let error: NodeJS.ErrnoException | undefined;
  let base: string | undefined;
  let i = followFinal ? segs.length : Math.max(0, segs.length - 1);
  for (; i >= 0; i--) {
    try {
      base = await fs.realpath(joinCanonical(c.root, segs.slice(0, i), platform));
      break;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (!WALK_UP.has(e.code ?? '') || i === 0) throw err;
      error ??= e;
    }
  }
  const missing = segs.slice(i);
  const baseStat = await fs.lstat(base!);
  const existing = { real: base!, stat: baseStat };

  if (missing.length === 0) {
    const parentReal = P.dirname(base!);
    const isRoot = parentReal === base;
    return {
      target: base!,
      stat: baseStat,
      parent: isRoot ? undefined : { real: parentReal, stat: await fs.lstat(parentReal) },
      name: isRoot ? '' : P.basename(base!),
      existing,
      missing,
      error: baseStat.isSymbolicLink() ? errno('ELOOP') : undefined, // swapped since realpath
    };
  }
  const target = P.join(base!, ...missing);
  const name = missing[missing.length - 1]!;
  if (missing.length > 1) return { target, name, existing, missing, error: error ?? errno('ENOENT') };
  let stat: Stats | undefined;
  if (!baseStat.isDirectory()) error ??= errno('ENOTDIR');
  else {
    try {
      stat = await fs.lstat(target);
    } catch (err) {
      error ??= err as NodeJS.ErrnoException;
    }
  }
  return { target, stat, parent: { real: base!, stat: baseStat }, name, existing, missing, error };
}

/**
 * The quick resolution of a target that exists and is not a symlink: its real path and lstat, two
 * calls instead of resolveReal's three or more. Undefined when realpath fails or the real path is
 * now a link (swapped since realpath): the caller then takes resolveReal, which asks the
 * permission before any of that is told to the extension.
 */
export async function resolveExisting(
  c: CanonicalPath,
  platform: NodeJS.Platform,
): Promise<{ target: string; stat: Stats } | undefined> {
  let target: string;
  try {
    target = await fs.realpath(joinCanonical(c.root, c.segments, platform));
  } catch {
    return undefined;
  }
  const stat = await fs.lstat(target).catch(() => undefined);
  return stat && !stat.isSymbolicLink() ? { target, stat } : undefined;
}
