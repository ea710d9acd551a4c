/**
 * Warden's own files (its data folder with grants, secrets, the audit log and installed
 * extensions; the policy file; the code every sandbox runs) are out of every extension's reach,
 * whatever the manifest, the user or the policy allow. A grant of `~/**` must not let an
 * extension grant itself more, read other extensions' secrets or data, or rewrite the sandbox.
 */
import { realpathSync } from 'node:fs';
import { WardenError } from '../../../common/errors';
import { pathFor } from './canonical-path';
import { isInside } from './containment';

export interface Protection {
  /** Throws EPERM/policy for a real target inside them, or (`encloses`) a folder holding them. */
  refuse(capability: 'fs.read' | 'fs.write', target: string, given: string, encloses: boolean): void;
  protects(realPath: string): boolean;
}

export function createProtection(paths: string[], platform: NodeJS.Platform): Protection {
  const P = pathFor(platform);
  const roots = [
    ...new Set(
      paths.flatMap((p) => {
        const abs = P.resolve(p);
        return [abs, realOrNearest(abs, P)].map((x) => fold(x, platform));
      }),
    ),
  ];
  const protects = (realPath: string) => {
    const c = fold(realPath, platform);
    return roots.some((root) => isInside(root, c, platform));
  };
  return {
    protects,
    refuse(capability, target, given, encloses) {
      const c = fold(target, platform);
      if (protects(target) || (encloses && roots.some((root) => isInside(c, root, platform)))) {
        throw new WardenError('EPERM', `${capability} ${given}: Warden's own files are not available to extensions`, {
          reason: 'policy',
        });
      }
    },
  };
}

/**
 * The real path of `abs`, or, while it does not exist yet, the real path of its deepest existing
 * ancestor plus the missing names: what the gateway's own resolution will call it once it is
 * asked about (a home folder reached through a symlink, /var → /private/var on macOS).
 * Synchronous on purpose: it runs when an extension's gateway is built (createProtection, at
 * load), over Warden's own few folders, never on a request path (checks use the roots computed).
 */
function realOrNearest(abs: string, P: ReturnType<typeof pathFor>): string {
  const missing: string[] = [];
  for (let at = abs; ; at = P.dirname(at)) {
    try {
      return P.join(realpathSync.native(at), ...missing.reverse());
    } catch {
      if (P.dirname(at) === at) return abs;
      missing.push(P.basename(at));
    }
  }
}

/**
 * Where file names may be case-insensitive by default (macOS, Windows), protection compares
 * folded names: refusing a differently-cased sibling is harmless, missing `~/.WARDEN` is not.
 */
function fold(p: string, platform: NodeJS.Platform): string {
  return platform === 'darwin' || platform === 'win32' ? p.normalize('NFC').toLowerCase() : p;
}
