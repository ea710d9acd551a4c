/** `host.permissions.query/request`, and the canonical target a permission check is about. */
import fsp from 'node:fs/promises';
import { WardenError } from '../../common/errors';
import { CAPABILITIES, type Capability } from '../../common/protocol';
import { isRelativeDataPath } from '../private-data/data-folder';
import { expandHome } from '../permissions/patterns';
import type { HostApiDeps, HostMethodImpls } from './context';

/**
 * The canonical target of a request for `query`/`request` (gateways canonicalise their own):
 * the real path (asynchronously: never blocking the host's loop on a slow disk), a normalised URL.
 */
export async function canonicalTarget(capability: Capability, target: string | undefined): Promise<string> {
  switch (capability) {
    case 'fs.read':
    case 'fs.write': {
      if (!target || target.includes('\0'))
        throw new WardenError('EINVAL', `${capability} needs a target: the path it is about`);
      const abs = expandHome(target);
      try {
        return await fsp.realpath(abs);
      } catch {
        return abs;
      }
    }
    case 'net':
      try {
        return new URL(target ?? '').href;
      } catch {
        throw new WardenError('EINVAL', 'net needs a target: the absolute http(s) URL it is about');
      }
    case 'secrets':
      if (!target) throw new WardenError('EINVAL', 'secrets needs a target: the secret name');
      return target;
    case 'notifications':
      return '*';
  }
}

function checkCapability(capability: string): Capability {
  if (!(CAPABILITIES as readonly string[]).includes(capability)) {
    throw new WardenError('EINVAL', `unknown capability "${capability}" (expected one of ${CAPABILITIES.join(', ')})`);
  }
  return capability as Capability;
}

export function createPermissionMethods(
  deps: HostApiDeps,
): HostMethodImpls<'permissions.query' | 'permissions.request'> {
  /**
   * The target permissions.query/request ask the broker about, or the answer that needs no broker:
   * the private data folder is always granted, Warden's own files never (as every operation does).
   */
  const permissionTarget = async (
    cap: Capability,
    target: string | undefined,
  ): Promise<{ answer: 'granted' | 'denied' } | { canonical: string }> => {
    const fsCap = cap === 'fs.read' || cap === 'fs.write';
    if (fsCap && target !== undefined && isRelativeDataPath(target)) return { answer: 'granted' };
    const canonical = await canonicalTarget(cap, target);
    if (fsCap && deps.fs?.protects?.(canonical)) return { answer: 'denied' };
    return { canonical };
  };

  return {
    'permissions.query': async ([capability, target]) => {
      const cap = checkCapability(capability);
      const t = await permissionTarget(cap, target);
      return 'answer' in t ? t.answer : deps.authorizer.query(cap, t.canonical);
    },
    'permissions.request': async ([capability, target, reason]) => {
      const cap = checkCapability(capability);
      const t = await permissionTarget(cap, target);
      if ('answer' in t) return t.answer; // never asked
      const d = await deps.authorizer.authorize({ capability: cap, target: t.canonical, reason });
      return d.allow ? 'granted' : 'denied';
    },
  };
}
