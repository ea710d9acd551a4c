/** `host.permissions.query/request`: asked about the gateways' own canonical target of a request. */
import os from 'node:os';
import { WardenError } from '../../common/errors';
import { CAPABILITIES, type Capability } from '../../common/protocol';
import { isRelativeDataPath } from '../private-data/data-folder';
import { canonicalFsTarget } from '../gateways/fs/fs-target';
import { canonicalNetTarget } from '../gateways/net/net-target';
import { notificationsTarget, secretTarget, type CanonicalTarget } from '../gateways/target';
import type { FsGatewayLike } from '../gateways/types';
import type { HostApiDeps, HostMethodImpls } from './context';

/**
 * The canonical target of a request, made by the canonicaliser of the gateway that would perform
 * it (fs: lexical, then the real path, asynchronously; net: the normalised URL), so the question
 * and the access it is about name one string. Spellings a gateway refuses are EINVAL here too.
 */
export async function canonicalTarget(
  capability: Capability,
  target: string | undefined,
  fs?: FsGatewayLike,
): Promise<CanonicalTarget> {
  switch (capability) {
    case 'fs.read':
    case 'fs.write':
      if (typeof target !== 'string' || target === '')
        throw new WardenError('EINVAL', `${capability} needs a target: the path it is about`);
      return fs?.canonical
        ? fs.canonical(target)
        : canonicalFsTarget(target, { homeDir: os.homedir(), platform: process.platform });
    case 'net':
      return canonicalNetTarget(target);
    case 'secrets':
      return secretTarget(target);
    case 'notifications':
      return notificationsTarget();
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
  ): Promise<{ answer: 'granted' | 'denied' } | { target: CanonicalTarget }> => {
    const fsCap = cap === 'fs.read' || cap === 'fs.write';
    if (fsCap && target !== undefined && isRelativeDataPath(target)) return { answer: 'granted' };
    const t = await canonicalTarget(cap, target, deps.fs);
    if (fsCap && deps.fs?.protects?.(t.canonical)) return { answer: 'denied' };
    return { target: t };
  };

  return {
    'permissions.query': async ([capability, target]) => {
      const cap = checkCapability(capability);
      const t = await permissionTarget(cap, target);
      if ('answer' in t) return t.answer;
      await deps.authorizer.prepare?.(cap);
      return deps.authorizer.query(cap, t.target.canonical);
    },
    'permissions.request': async ([capability, target, reason]) => {
      const cap = checkCapability(capability);
      const t = await permissionTarget(cap, target);
      if ('answer' in t) return t.answer; // never asked
      const { canonical, display } = t.target;
      const d = await deps.authorizer.authorize({ capability: cap, target: canonical, display, reason });
      return d.allow ? 'granted' : 'denied';
    },
  };
}
