/**
 * Performs the `host.*` calls of one extension. Arguments are validated against the protocol's
 * per-method schema; dispatch goes through a Map (never `obj[method]`, where `__proto__` or
 * `constructor` would be "methods" too). Relative fs paths are the private data folder; every
 * other access goes through the broker's authorizer and a gateway, and is audited.
 */
import { WardenError } from '../../common/errors';
import { HOST_METHOD_ARGS, type CurrentHostMethod, type HostMethod } from '../../common/protocol';
import type { DataValue } from '../../common/data-value';
import { formatPath } from '../../common/schema-issues';
import type { HostCallHandler } from '../process/extension-process';
import type { HostApiDeps, HostMethodImpls } from './context';
import { createMetering } from './metering';
import { createStorageMethods } from './storage';
import { createFsMethods } from './fs';
import { createNetMethods } from './net';
import { createSecretMethods } from './secrets';
import { createUiMethods } from './ui';
import { createPermissionMethods } from './permissions';

export function createHostApiHandler(deps: HostApiDeps): HostCallHandler {
  const metering = createMetering(deps);
  const impl: HostMethodImpls<CurrentHostMethod> = {
    ...createStorageMethods(deps, metering),
    ...createFsMethods(deps, metering),
    ...createNetMethods(deps, metering),
    ...createSecretMethods(deps, metering),
    ...createUiMethods(deps, metering),
    ...createPermissionMethods(deps),
  };
  const table = new Map(Object.entries(impl)) as Map<HostMethod, (args: unknown) => Promise<DataValue | undefined>>;

  return async (called, rawArgs) => {
    // A deprecated call runs as its replacement (logged and audited), or fails with ENOSYS.
    const method = deps.deprecations ? deps.deprecations.resolve(called) : called;
    const fn = table.get(method);
    if (!fn) throw new WardenError('EINVAL', `unknown host method`);
    metering.call(method);
    const parsed = HOST_METHOD_ARGS[method].safeParse(rawArgs);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path.length
        ? `argument ${Number(issue.path[0]) + 1}${issue.path.length > 1 ? ` (${formatPath(issue.path.slice(1))})` : ''}`
        : 'arguments';
      throw new WardenError('EINVAL', `host.${method}: ${where}: ${issue.message.replace(/^Invalid input: /, '')}`);
    }
    const result = await metering.run(method, parsed.data, () => fn(parsed.data));
    if (deps.observe) {
      try {
        deps.observe(method, parsed.data as readonly unknown[], result);
      } catch {
        // Behaviour learning never fails a call that succeeded.
      }
    }
    return result;
  };
}
