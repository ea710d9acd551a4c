/** `host.net.fetch`: the init is checked here, the request itself by the net gateway (which asks the broker). */
import { z } from 'zod';
import { lazySchema } from '../../common/lazy-schema';
import { WardenError } from '../../common/errors';
import type { DataValue } from '../../common/data-value';
import type { FetchInit } from '../../common/guest-api';
import type { HostApiDeps, HostMethodImpls } from './context';
import type { Metering } from './metering';
import { parseOr } from './parse-options';
import { canonicalTarget } from './permissions';

const FetchInitSchema = lazySchema(
  () =>
    z.strictObject({
      method: z
        .string()
        .regex(/^[A-Za-z]{1,16}$/, 'expected an HTTP method')
        .optional(),
      headers: z.record(z.string().max(256), z.string().max(8192)).optional(),
      body: z.union([z.string(), z.instanceof(Uint8Array)]).optional(),
      timeoutMs: z.number().int().min(1).max(600_000).optional(),
    }) satisfies z.ZodType<FetchInit>,
);

export function createNetMethods(deps: HostApiDeps, m: Metering): HostMethodImpls<'net.fetch'> {
  return {
    'net.fetch': async ([url, rawInit]) => {
      const init = parseOr(FetchInitSchema, rawInit, 'host.net.fetch: init');
      if (!deps.net) {
        const t = await canonicalTarget('net', url);
        await m.require({ capability: 'net', target: t.canonical, display: t.display }, url);
        throw new WardenError('EPERM', `net ${url}: network access is not available here`, { reason: 'denied' });
      }
      return m.audited(
        'net.fetch',
        url,
        () => deps.net!.fetch(url, init),
        (r) => r.body.length,
      ) as unknown as Promise<DataValue>;
    },
  };
}
