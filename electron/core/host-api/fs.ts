/**
 * `host.fs.*`: relative paths are the extension's private data folder (no permission needed, but
 * audited); every other path goes through the fs gateway, which asks the broker, and is audited.
 */
import { WardenError } from '../../common/errors';
import type { DataValue } from '../../common/data-value';
import { isRelativeDataPath, type DataFolder } from '../private-data/data-folder';
import type { FsGatewayLike } from '../gateways/types';
import type { HostApiDeps, HostMethodImpls } from './context';
import type { Metering } from './metering';
import { canonicalTarget } from './permissions';

type FsMethod =
  | 'fs.readText'
  | 'fs.readBytes'
  | 'fs.writeText'
  | 'fs.writeBytes'
  | 'fs.list'
  | 'fs.stat'
  | 'fs.mkdir'
  | 'fs.remove'
  | 'fs.pickFile'
  | 'fs.pickDirectory';

/** One file operation, whichever side (data folder or gateway) performs it. */
interface FsCall<T> {
  capability: 'fs.read' | 'fs.write';
  method: FsMethod;
  path: string;
  run(target: FsGatewayLike): Promise<T>;
  /** Bytes moved, for the audit record (metering.ts counts and budgets them). */
  bytes?(result: T): number;
}

const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** The data folder in the gateway's shape, so one function per operation serves both. */
function folderAsGateway(folder: DataFolder): FsGatewayLike {
  return {
    readBytes: (p) => folder.readBytes(p),
    writeBytes: (p, bytes) => folder.writeBytes(p, bytes),
    list: (p) => folder.list(p),
    stat: (p) => folder.stat(p),
    mkdir: (p, o) => folder.mkdir(p, o.recursive),
    remove: (p, o) => folder.remove(p, o.recursive),
  };
}

export function createFsMethods(deps: HostApiDeps, m: Metering): HostMethodImpls<FsMethod> {
  const local = folderAsGateway(deps.data.folder);

  const route = async <T>(c: FsCall<T>): Promise<T> => {
    // The private folder needs no permission, but what an extension does there is still recorded.
    if (isRelativeDataPath(c.path)) return m.audited(c.method, c.path, () => c.run(local), c.bytes);
    if (deps.fs) return m.audited(c.method, c.path, () => c.run(deps.fs!), c.bytes);
    // No gateway in this host: still give the exact refusal (undeclared vs denied).
    const t = await canonicalTarget(c.capability, c.path);
    await m.require({ capability: c.capability, target: t.canonical, display: t.display }, c.path);
    throw new WardenError(
      'EPERM',
      `${c.capability} ${c.path}: file access outside the data folder is not available here`,
      { reason: 'denied' },
    );
  };
  // Bytes and budgets: metering.ts, around every call (dispatch).
  const call = <T>(c: FsCall<T>): Promise<T> => route(c);

  const pick = async (kind: 'file' | 'directory', title?: string): Promise<string | null> => {
    if (!deps.picker) throw new WardenError('EPERM', 'no file picker is available in this host', { reason: 'denied' });
    const chosen = await deps.picker.pick({ extensionName: deps.manifest.name, kind, title });
    if (chosen === null) return null;
    const real = (await canonicalTarget('fs.read', chosen, deps.fs)).canonical;
    await deps.authorizer.rememberPick(real, kind);
    deps.audit?.write({
      ext: deps.manifest.id,
      kind: 'decision',
      capability: 'fs.read',
      target: real,
      decision: 'allow',
      via: 'picker',
    });
    return chosen;
  };

  const read = 'fs.read';
  const write = 'fs.write';
  return {
    'fs.readText': ([p]) =>
      call({
        capability: read,
        method: 'fs.readText',
        path: p,
        run: async (t) => utf8.decode(await t.readBytes(p)),
        bytes: (s) => s.length,
      }),
    'fs.readBytes': ([p]) =>
      call({ capability: read, method: 'fs.readBytes', path: p, run: (t) => t.readBytes(p), bytes: (b) => b.length }),
    'fs.writeText': ([p, text]) =>
      call({
        capability: write,
        method: 'fs.writeText',
        path: p,
        run: (t) => t.writeBytes(p, encoder.encode(text)),
        bytes: () => text.length,
      }),
    'fs.writeBytes': ([p, bytes]) =>
      call({
        capability: write,
        method: 'fs.writeBytes',
        path: p,
        run: (t) => t.writeBytes(p, bytes),
        bytes: () => bytes.length,
      }),
    'fs.list': ([p]) =>
      call({ capability: read, method: 'fs.list', path: p, run: (t) => t.list(p) }) as unknown as Promise<DataValue>,
    'fs.stat': ([p]) =>
      call({ capability: read, method: 'fs.stat', path: p, run: (t) => t.stat(p) }) as unknown as Promise<DataValue>,
    'fs.mkdir': ([p, o]) =>
      call({
        capability: write,
        method: 'fs.mkdir',
        path: p,
        run: (t) => t.mkdir(p, { recursive: o?.recursive === true }),
      }),
    'fs.remove': ([p, o]) =>
      call({
        capability: write,
        method: 'fs.remove',
        path: p,
        run: (t) => t.remove(p, { recursive: o?.recursive === true }),
      }),
    'fs.pickFile': ([o]) => pick('file', o?.title),
    'fs.pickDirectory': ([o]) => pick('directory', o?.title),
  };
}
