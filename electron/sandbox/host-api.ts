/**
 * Builds the hardened `host` object, the only authority a guest holds. Every member is a
 * function of the start compartment that forwards plain data to the host; no host object,
 * channel or mutable state is reachable from it. The namespaces that do not depend on the
 * extension are built with the guest's realm, before it is known (guest-realm.ts); `init` adds
 * `extension` and `commands`.
 */
import type { HostMethod } from '../common/protocol';
import type { FetchResult, Host } from '../common/guest-api';
import type { LogLevel } from '../common/protocol-limits';
import type { RpcClient } from './rpc-client';
import { WARDEN_API_VERSION } from '../common/version';

export type CommandHandler = (args: unknown, call: unknown) => unknown;

export interface HostApiDeps {
  extension: { id: string; version: string };
  declaredCommands: ReadonlySet<string>;
  handlers: Map<string, CommandHandler>;
  /** From createHostMembers, built with the realm. */
  members: HostMembers;
}

/** The `host` namespaces that are the same for every extension: each call goes over `rpc`. */
export type HostMembers = Omit<Host, 'extension' | 'commands'>;

/** The `host` member a protocol method implements: `fs.readText` → `Host['fs']['readText']`. */
type MemberOf<M extends HostMethod> = M extends `${infer NS extends keyof Host}.${infer F}`
  ? F extends keyof Host[NS]
    ? Host[NS][F]
    : never
  : never;

export function createHostApi(deps: HostApiDeps): Host {
  const register = (id: unknown, handler: unknown) => {
    if (typeof id !== 'string' || !deps.declaredCommands.has(id)) {
      throw new TypeError(
        `host.commands.register: "${String(id)}" is not declared in manifest.json contributes.commands`,
      );
    }
    if (typeof handler !== 'function') throw new TypeError('host.commands.register: handler must be a function');
    if (deps.handlers.has(id)) throw new TypeError(`host.commands.register: "${id}" is already registered`);
    deps.handlers.set(id, handler as CommandHandler);
    return { dispose: () => void (deps.handlers.get(id) === handler && deps.handlers.delete(id)) };
  };
  return harden({
    extension: { id: deps.extension.id, version: deps.extension.version, apiVersion: WARDEN_API_VERSION },
    commands: { register },
    ...deps.members,
  } satisfies Host);
}

export function createHostMembers(rpc: RpcClient, log: (level: LogLevel, args: unknown[]) => void): HostMembers {
  // Typed as the member it implements (the host validates arguments and shapes results).
  const call = <M extends HostMethod>(method: M, arity: number): MemberOf<M> =>
    ((...args: unknown[]) => {
      const used = args.slice(0, arity);
      while (used.length > 0 && used[used.length - 1] === undefined) used.pop();
      return rpc.call(method, used);
    }) as MemberOf<M>;

  const fetch = async (url: unknown, init?: unknown) => {
    const raw = (await rpc.call('net.fetch', init === undefined ? [url] : [url, init])) as FetchResult;
    const body = raw.body;
    return {
      status: raw.status,
      statusText: raw.statusText,
      url: raw.url,
      ok: raw.status >= 200 && raw.status < 300,
      headers: raw.headers,
      body,
      text: () => new TextDecoder().decode(body),
      json: () => JSON.parse(new TextDecoder().decode(body)) as unknown,
    };
  };

  const logAt =
    (level: LogLevel) =>
    (...args: unknown[]) =>
      log(level, args);

  return harden({
    fs: {
      readText: call('fs.readText', 1),
      readBytes: call('fs.readBytes', 1),
      // Deprecated alias: the host forwards it to fs.readText (common/api-deprecations.ts).
      read: call('fs.read', 1),
      writeText: call('fs.writeText', 2),
      writeBytes: call('fs.writeBytes', 2),
      list: call('fs.list', 1),
      stat: call('fs.stat', 1),
      mkdir: call('fs.mkdir', 2),
      remove: call('fs.remove', 2),
      pickFile: call('fs.pickFile', 1),
      pickDirectory: call('fs.pickDirectory', 1),
    },
    net: { fetch },
    storage: {
      get: call('storage.get', 1),
      set: call('storage.set', 2),
      delete: call('storage.delete', 1),
      keys: call('storage.keys', 0),
    },
    secrets: { get: call('secrets.get', 1) },
    ui: { notify: call('ui.notify', 2) },
    permissions: { query: call('permissions.query', 2), request: call('permissions.request', 3) },
    log: { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') },
  } satisfies HostMembers);
}
