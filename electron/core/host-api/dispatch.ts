/**
 * Performs the `host.*` calls of one extension. Arguments are validated against the protocol's
 * per-method schema; dispatch goes through a Map (never `obj[method]`, where `__proto__` or
 * `constructor` would be "methods" too). Relative fs paths are the private data folder; every
 * other access goes through the broker's authorizer and a gateway, and is audited.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { WardenError } from '../../common/errors';
import type { Manifest } from '../../common/manifest';
import {
  CAPABILITIES,
  HOST_METHOD_ARGS,
  type Capability,
  type HostMethod,
  type HostMethodArgs,
} from '../../common/protocol';
import type { DataValue } from '../../common/data-value';
import { formatPath, formatIssues } from '../../common/schema-issues';
import { isRelativeDataPath } from '../private-data/data-folder';
import type { PrivateData } from '../private-data/private-data';
import type { HostCallHandler } from '../process/extension-process';
import type { ExtensionAuthorizer } from '../permissions/broker';
import type { PermissionRequest } from '../permissions/types';
import { expandHome } from '../permissions/patterns';
import { denialError } from '../permissions/denial';
import type { AuditLog } from '../platform/audit-log';
import type { SecretStore } from '../platform/secret-store';
import type { Notifier } from '../platform/notifier';
import type { FsGatewayLike, NetGatewayLike, Picker } from '../gateways/types';
import type { BudgetMeter } from '../governance/token-bucket';

export interface HostApiDeps {
  manifest: Manifest;
  data: PrivateData;
  authorizer: ExtensionAuthorizer;
  fs?: FsGatewayLike;
  net?: NetGatewayLike;
  secrets?: SecretStore;
  notifier?: Notifier;
  picker?: Picker;
  audit?: AuditLog;
  /** Usage counters the supervisor turns into metrics. */
  usage?: HostUsage;
  /** fs/net byte and request budgets; over budget a call fails with ERATE and has no effect. */
  budget?: BudgetMeter;
}

export interface HostUsage {
  fsBytes: number;
  netBytes: number;
  denials: number;
  prompts: number;
}

type Impl = { [M in HostMethod]: (args: HostMethodArgs<M>) => Promise<DataValue | undefined | void> };

const FetchInitSchema = z.strictObject({
  method: z
    .string()
    .regex(/^[A-Za-z]{1,16}$/, 'expected an HTTP method')
    .optional(),
  headers: z.record(z.string().max(256), z.string().max(8192)).optional(),
  body: z.union([z.string(), z.instanceof(Uint8Array)]).optional(),
  timeoutMs: z.number().int().min(1).max(600_000).optional(),
});
const NotifySchema = z.strictObject({ level: z.enum(['info', 'warning', 'error']).optional() });

const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

function parseOr<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new WardenError('EINVAL', `${what}: ${formatIssues(r.error, 1)[0]}`);
}

/** The canonical target of a request for `query`/`request` (gateways canonicalise their own). */
function canonicalTarget(capability: Capability, target: string | undefined): string {
  switch (capability) {
    case 'fs.read':
    case 'fs.write': {
      if (!target || target.includes('\0'))
        throw new WardenError('EINVAL', `${capability} needs a target: the path it is about`);
      const abs = expandHome(target);
      try {
        return fs.realpathSync(abs);
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

export function createHostApiHandler(deps: HostApiDeps): HostCallHandler {
  const { storage, folder } = deps.data;
  const extId = deps.manifest.id;

  /**
   * The target permissions.query/request ask the broker about, or the answer that needs no broker:
   * the private data folder is always granted, Warden's own files never (as every operation does).
   */
  const permissionTarget = (
    cap: Capability,
    target: string | undefined,
  ): { answer: 'granted' | 'denied' } | { canonical: string } => {
    const fsCap = cap === 'fs.read' || cap === 'fs.write';
    if (fsCap && target !== undefined && isRelativeDataPath(target)) return { answer: 'granted' };
    const canonical = canonicalTarget(cap, target);
    if (fsCap && deps.fs?.protects?.(canonical)) return { answer: 'denied' };
    return { canonical };
  };

  const audited = async <T>(method: string, target: string, run: () => Promise<T>, bytes?: (r: T) => number) => {
    const start = Date.now();
    try {
      const result = await run();
      deps.audit?.write({
        ext: extId,
        kind: 'operation',
        method,
        target,
        durationMs: Date.now() - start,
        ...(bytes ? { bytes: bytes(result) } : {}),
      });
      return result;
    } catch (err) {
      const code = err instanceof WardenError ? err.code : 'EINTERNAL';
      deps.audit?.write({
        ext: extId,
        kind: 'operation',
        method,
        target,
        durationMs: Date.now() - start,
        detail: code,
      });
      throw err;
    }
  };

  /** Throws EPERM unless the broker allows the request. */
  const require = async (req: PermissionRequest, shown = req.target): Promise<void> => {
    const d = await deps.authorizer
      .authorize(req)
      .catch(() => ({ allow: false as const, reason: 'denied' as const, via: 'error' as const }));
    if (!d.allow) throw denialError(req.capability, shown, d.reason);
  };

  /** Relative paths: private data folder. Others: the fs gateway (which asks the broker). */
  const filesUnmetered = async <T>(
    capability: 'fs.read' | 'fs.write',
    method: string,
    p: string,
    local: () => Promise<T>,
    remote: (g: FsGatewayLike) => Promise<T>,
    bytes?: (r: T) => number,
  ): Promise<T> => {
    if (isRelativeDataPath(p)) return local();
    if (deps.fs) return audited(method, p, () => remote(deps.fs!), bytes);
    // No gateway in this host: still give the exact refusal (undeclared vs denied).
    await require({ capability, target: canonicalTarget(capability, p) }, p);
    throw new WardenError('EPERM', `${capability} ${p}: file access outside the data folder is not available here`, {
      reason: 'denied',
    });
  };

  const files = async <T>(
    capability: 'fs.read' | 'fs.write',
    method: string,
    p: string,
    local: () => Promise<T>,
    remote: (g: FsGatewayLike) => Promise<T>,
    bytes?: (r: T) => number,
    writeSize?: number,
  ): Promise<T> => {
    // Writes are metered before they happen (no partial effect over budget); reads after the
    // fact, since their size is unknown before, but before anything is delivered.
    if (writeSize !== undefined && deps.budget && !deps.budget.fsBytes(writeSize)) {
      throw new WardenError('ERATE', `${method}: file I/O budget exceeded`);
    }
    const result = await filesUnmetered(capability, method, p, local, remote, bytes);
    const n = bytes ? bytes(result) : 0;
    if (deps.usage) deps.usage.fsBytes += n;
    if (writeSize === undefined && n > 0 && deps.budget && !deps.budget.fsBytes(n)) {
      throw new WardenError('ERATE', `${method}: file I/O budget exceeded`);
    }
    return result;
  };

  const pick = async (kind: 'file' | 'directory', title?: string): Promise<string | null> => {
    if (!deps.picker) throw new WardenError('EPERM', 'no file picker is available in this host', { reason: 'denied' });
    const chosen = await deps.picker.pick({ extensionName: deps.manifest.name, kind, title });
    if (chosen === null) return null;
    const real = canonicalTarget('fs.read', chosen);
    await deps.authorizer.rememberPick(real, kind);
    deps.audit?.write({
      ext: extId,
      kind: 'decision',
      capability: 'fs.read',
      target: real,
      decision: 'allow',
      via: 'picker',
    });
    return chosen;
  };

  const impl: Impl = {
    'storage.get': async ([key]) => storage.get(key),
    'storage.set': async ([key, value]) => storage.set(key, value),
    'storage.delete': async ([key]) => storage.delete(key),
    'storage.keys': async () => storage.keys(),
    'fs.readText': ([p]) =>
      files(
        'fs.read',
        'fs.readText',
        p,
        async () => utf8.decode(await folder.readBytes(p)),
        async (g) => utf8.decode(await g.readBytes(p)),
        (s) => s.length,
      ),
    'fs.readBytes': ([p]) =>
      files(
        'fs.read',
        'fs.readBytes',
        p,
        () => folder.readBytes(p),
        (g) => g.readBytes(p),
        (b) => b.length,
      ),
    'fs.writeText': ([p, text]) =>
      files(
        'fs.write',
        'fs.writeText',
        p,
        () => folder.writeBytes(p, encoder.encode(text)),
        (g) => g.writeBytes(p, encoder.encode(text)),
        () => text.length,
        text.length,
      ),
    'fs.writeBytes': ([p, bytes]) =>
      files(
        'fs.write',
        'fs.writeBytes',
        p,
        () => folder.writeBytes(p, bytes),
        (g) => g.writeBytes(p, bytes),
        () => bytes.length,
        bytes.length,
      ),
    'fs.list': ([p]) =>
      files(
        'fs.read',
        'fs.list',
        p,
        () => folder.list(p),
        (g) => g.list(p),
      ) as unknown as Promise<DataValue>,
    'fs.stat': ([p]) =>
      files(
        'fs.read',
        'fs.stat',
        p,
        () => folder.stat(p),
        (g) => g.stat(p),
      ) as unknown as Promise<DataValue>,
    'fs.mkdir': ([p, o]) =>
      files(
        'fs.write',
        'fs.mkdir',
        p,
        () => folder.mkdir(p, o?.recursive === true),
        (g) => g.mkdir(p, { recursive: o?.recursive === true }),
      ),
    'fs.remove': ([p, o]) =>
      files(
        'fs.write',
        'fs.remove',
        p,
        () => folder.remove(p, o?.recursive === true),
        (g) => g.remove(p, { recursive: o?.recursive === true }),
      ),
    'fs.pickFile': ([o]) => pick('file', o?.title),
    'fs.pickDirectory': ([o]) => pick('directory', o?.title),
    'net.fetch': async ([url, rawInit]) => {
      const init = parseOr(FetchInitSchema, rawInit, 'host.net.fetch: init');
      if (!deps.net) {
        await require({ capability: 'net', target: canonicalTarget('net', url) }, url);
        throw new WardenError('EPERM', `net ${url}: network access is not available here`, { reason: 'denied' });
      }
      return audited(
        'net.fetch',
        url,
        () => deps.net!.fetch(url, init),
        (r) => r.body.length,
      ) as unknown as Promise<DataValue>;
    },
    'secrets.get': async ([name]) => {
      await require({ capability: 'secrets', target: name });
      return audited(
        'secrets.get',
        name,
        async () => {
          const value = await deps.secrets?.get(extId, name);
          if (value === undefined) {
            throw new WardenError(
              'ENOENT',
              `secret ${name} has not been set (the user can set it with: warden secrets set ${extId} ${name})`,
            );
          }
          return value;
        },
        () => 0,
      );
    },
    'ui.notify': async ([message, rawOptions]) => {
      const { level } = parseOr(NotifySchema, rawOptions, 'host.ui.notify: options');
      await require({ capability: 'notifications', target: '*' }, 'notify');
      if (!deps.notifier) throw new WardenError('EPERM', 'notifications are not available here', { reason: 'denied' });
      if (deps.budget && !deps.budget.notification()) {
        throw new WardenError('ERATE', 'host.ui.notify: too many notifications (at most a few a minute)');
      }
      await audited('ui.notify', '*', () => deps.notifier!.notify(deps.manifest.name, message, level ?? 'info'));
    },
    'permissions.query': async ([capability, target]) => {
      const cap = checkCapability(capability);
      const t = permissionTarget(cap, target);
      return 'answer' in t ? t.answer : deps.authorizer.query(cap, t.canonical);
    },
    'permissions.request': async ([capability, target, reason]) => {
      const cap = checkCapability(capability);
      const t = permissionTarget(cap, target);
      if ('answer' in t) return t.answer; // never asked
      const d = await deps.authorizer.authorize({ capability: cap, target: t.canonical, reason });
      return d.allow ? 'granted' : 'denied';
    },
  };
  const table = new Map(Object.entries(impl)) as Map<HostMethod, (args: unknown) => Promise<DataValue | undefined>>;

  return async (method, rawArgs) => {
    const fn = table.get(method);
    if (!fn) throw new WardenError('EINVAL', `unknown host method`);
    const parsed = HOST_METHOD_ARGS[method].safeParse(rawArgs);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path.length
        ? `argument ${Number(issue.path[0]) + 1}${issue.path.length > 1 ? ` (${formatPath(issue.path.slice(1))})` : ''}`
        : 'arguments';
      throw new WardenError('EINVAL', `host.${method}: ${where}: ${issue.message.replace(/^Invalid input: /, '')}`);
    }
    return fn(parsed.data);
  };
}

function checkCapability(capability: string): Capability {
  if (!(CAPABILITIES as readonly string[]).includes(capability)) {
    throw new WardenError('EINVAL', `unknown capability "${capability}" (expected one of ${CAPABILITIES.join(', ')})`);
  }
  return capability as Capability;
}
