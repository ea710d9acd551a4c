/**
 * The decision point for capabilities outside the private data (fs on `~/` and absolute paths,
 * net, secrets, notifications). Until the permission broker lands every such request is
 * refused: `undeclared` when the manifest does not cover it (no prompt could ever allow it),
 * `denied` when it does. Deny by default: any failure in here also denies.
 */
import os from 'node:os';
import path from 'node:path';
import type { Manifest } from '../common/manifest';
import type { Capability } from '../common/protocol';
import type { DenyReason } from '../common/errors';

export type GateDecision = { allow: true } | { allow: false; reason: DenyReason };

export interface CapabilityGate {
  decide(capability: Capability, target: string): Promise<GateDecision>;
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const expandHome = (p: string) =>
  p === '~' ? os.homedir() : p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p;

/** Whether the manifest's ceiling covers the request (pattern semantics refined by the broker). */
export function isDeclared(manifest: Manifest, capability: Capability, target: string): boolean {
  const perms = manifest.permissions;
  try {
    switch (capability) {
      case 'fs.read':
      case 'fs.write': {
        const abs = path.resolve(expandHome(target));
        return (perms[capability] ?? []).some((p) => {
          const pattern = path.resolve(expandHome(p));
          const base = pattern.replace(/\/\*\*$/, '');
          return abs === base || globToRegExp(pattern).test(abs);
        });
      }
      case 'net': {
        const url = new URL(target);
        return (perms.net ?? []).some((p) => {
          const m = /^(https?):\/\/([^/]+)(\/.*)?$/.exec(p);
          if (!m) return false;
          return (
            url.protocol === `${m[1]}:` &&
            url.host === m[2]!.toLowerCase() &&
            globToRegExp(m[3] ?? '/**').test(url.pathname)
          );
        });
      }
      case 'secrets':
        return (perms.secrets ?? []).includes(target);
      case 'notifications':
        return perms.notifications === true;
    }
  } catch {
    return false;
  }
}

export function createDenyingGate(manifest: Manifest): CapabilityGate {
  return {
    async decide(capability, target) {
      return { allow: false, reason: isDeclared(manifest, capability, target) ? 'denied' : 'undeclared' };
    },
  };
}
