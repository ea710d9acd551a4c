/**
 * Performs the `host.*` calls of one extension. Arguments are validated against the protocol's
 * per-method schema; dispatch goes through a Map (never `obj[method]`, where `__proto__` or
 * `constructor` would be "methods" too). Everything outside the private data asks the gate.
 */
import { WardenError } from '../common/errors';
import {
  CAPABILITIES,
  HOST_METHOD_ARGS,
  type Capability,
  type HostMethod,
  type HostMethodArgs,
} from '../common/protocol';
import type { DataValue } from '../common/data-value';
import { formatPath } from '../common/schema-issues';
import { isRelativeDataPath } from './data-folder';
import type { CapabilityGate } from './capability-gate';
import type { PrivateData } from './private-data';
import type { HostCallHandler } from './extension-process';

export interface HostApiDeps {
  data: PrivateData;
  gate: CapabilityGate;
}

type Impl = { [M in HostMethod]: (args: HostMethodArgs<M>) => Promise<DataValue | undefined | void> };

const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

export function createHostApiHandler(deps: HostApiDeps): HostCallHandler {
  const { storage, folder } = deps.data;

  /** Refuses a capability the gate does not allow, with the reason as data. */
  const require = async (capability: Capability, target: string): Promise<void> => {
    let decision;
    try {
      decision = await deps.gate.decide(capability, target);
    } catch {
      decision = { allow: false as const, reason: 'denied' as const };
    }
    if (!decision.allow) {
      const why = decision.reason === 'undeclared' ? 'not declared in manifest.json permissions' : decision.reason;
      throw new WardenError('EPERM', `${capability} ${target}: ${why}`, { reason: decision.reason });
    }
  };

  const onDataPath = async <T>(capability: Capability, p: string, local: () => Promise<T>): Promise<T> => {
    if (isRelativeDataPath(p)) return local();
    await require(capability, p);
    throw new WardenError('EPERM', `${capability} ${p}: denied`, { reason: 'denied' });
  };

  const permissionState = async (capability: string, target: string | undefined): Promise<string> => {
    if (!(CAPABILITIES as readonly string[]).includes(capability)) {
      throw new WardenError(
        'EINVAL',
        `unknown capability "${capability}" (expected one of ${CAPABILITIES.join(', ')})`,
      );
    }
    const cap = capability as Capability;
    if ((cap === 'fs.read' || cap === 'fs.write') && target !== undefined && isRelativeDataPath(target))
      return 'granted';
    const d = await deps.gate.decide(cap, target ?? '').catch(() => ({ allow: false as const }));
    return d.allow ? 'granted' : 'denied';
  };

  const impl: Impl = {
    'storage.get': async ([key]) => storage.get(key),
    'storage.set': async ([key, value]) => storage.set(key, value),
    'storage.delete': async ([key]) => storage.delete(key),
    'storage.keys': async () => storage.keys(),
    'fs.readText': ([p]) => onDataPath('fs.read', p, async () => utf8.decode(await folder.readBytes(p))),
    'fs.readBytes': ([p]) => onDataPath('fs.read', p, () => folder.readBytes(p)),
    'fs.writeText': ([p, text]) => onDataPath('fs.write', p, () => folder.writeBytes(p, encoder.encode(text))),
    'fs.writeBytes': ([p, bytes]) => onDataPath('fs.write', p, () => folder.writeBytes(p, bytes)),
    'fs.list': ([p]) => onDataPath('fs.read', p, async () => (await folder.list(p)) as unknown as DataValue),
    'fs.stat': ([p]) => onDataPath('fs.read', p, async () => (await folder.stat(p)) as unknown as DataValue),
    'fs.mkdir': ([p, o]) => onDataPath('fs.write', p, () => folder.mkdir(p, o?.recursive === true)),
    'fs.remove': ([p, o]) => onDataPath('fs.write', p, () => folder.remove(p, o?.recursive === true)),
    'fs.pickFile': async () => require('fs.read', '(picker)').then(() => undefined),
    'fs.pickDirectory': async () => require('fs.read', '(picker)').then(() => undefined),
    'net.fetch': async ([url]) => require('net', url).then(() => undefined),
    'secrets.get': async ([name]) => require('secrets', name).then(() => undefined),
    'ui.notify': async () => require('notifications', 'notify').then(() => undefined),
    'permissions.query': async ([cap, target]) => permissionState(cap, target),
    'permissions.request': async ([cap, target]) => permissionState(cap, target),
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
