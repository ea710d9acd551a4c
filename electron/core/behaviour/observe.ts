/**
 * Turns one completed `host.*` call (method, validated arguments, result) into the event the
 * behaviour engine learns from: which capability, which target, how many bytes each way. Only
 * successful calls are behaviour; refusals are the broker's business and are audited there.
 * Relative fs paths are the private data folder (`data.*`), so they never read as new trees.
 */
import os from 'node:os';
import path from 'node:path';
import type { BehaviourEvent } from './types';

type Observed = Omit<BehaviourEvent, 't' | 'ext' | 'version'>;

const size = (v: unknown): number => {
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (v instanceof Uint8Array) return v.byteLength;
  if (v === undefined || v === null) return 0;
  try {
    return Buffer.byteLength(JSON.stringify(v));
  } catch {
    return 0;
  }
};

/** `~/…` for paths in the home folder, so profiles read as the user sees paths (and move with it). */
function displayPath(p: string, home: string): string {
  if (!path.isAbsolute(p)) return p;
  const n = path.normalize(p);
  return n === home || n.startsWith(home + path.sep) ? `~${n.slice(home.length).split(path.sep).join('/')}` : n;
}

export function observation(
  method: string,
  args: readonly unknown[],
  result: unknown,
  home = os.homedir(),
): Observed | undefined {
  const a0 = args[0];
  const fsCall = (write: boolean, bytesIn: number, bytesOut: number): Observed | undefined => {
    if (typeof a0 !== 'string') return undefined;
    const isPrivate = !path.isAbsolute(a0) && !a0.startsWith('~');
    const cap = `${isPrivate ? 'data' : 'fs'}.${write ? 'write' : 'read'}`;
    return { cap, target: isPrivate ? a0 : displayPath(a0, home), bytesIn, bytesOut };
  };
  switch (method) {
    case 'fs.readText':
    case 'fs.readBytes':
      return fsCall(false, size(result), 0);
    case 'fs.list':
    case 'fs.stat':
      return fsCall(false, 0, 0);
    case 'fs.writeText':
    case 'fs.writeBytes':
      return fsCall(true, 0, size(args[1]));
    case 'fs.mkdir':
    case 'fs.remove':
      return fsCall(true, 0, 0);
    case 'net.fetch': {
      const init = args[1] as { body?: unknown } | undefined;
      const body = (result as { body?: unknown } | undefined)?.body;
      return {
        cap: 'net',
        target: typeof a0 === 'string' ? a0 : undefined,
        bytesIn: size(body),
        bytesOut: size(init?.body),
      };
    }
    case 'storage.get':
      return { cap: 'storage.get', target: String(a0), bytesIn: size(result), bytesOut: 0 };
    case 'storage.set':
      return { cap: 'storage.set', target: String(a0), bytesIn: 0, bytesOut: size(args[1]) };
    case 'storage.delete':
      return { cap: 'storage.delete', target: String(a0) };
    case 'secrets.get':
      return { cap: 'secrets.get', target: String(a0) };
    case 'ui.notify':
      return { cap: 'notifications', bytesOut: size(a0) };
    default:
      return undefined; // storage.keys, pickers, permission queries: no behaviour worth a term
  }
}
