/** `host.ui.notify`: a granted, rate-limited notification under the extension's name. */
import { z } from 'zod';
import { lazySchema } from '../../common/lazy-schema';
import { WardenError } from '../../common/errors';
import { notificationsTarget } from '../gateways/target';
import type { HostApiDeps, HostMethodImpls } from './context';
import type { Metering } from './metering';
import { parseOr } from './parse-options';

const NotifySchema = lazySchema(() => z.strictObject({ level: z.enum(['info', 'warning', 'error']).optional() }));

export function createUiMethods(deps: HostApiDeps, m: Metering): HostMethodImpls<'ui.notify'> {
  return {
    'ui.notify': async ([message, rawOptions]) => {
      const { level } = parseOr(NotifySchema, rawOptions, 'host.ui.notify: options');
      await m.require({ capability: 'notifications', target: notificationsTarget().canonical }, 'notify');
      if (!deps.notifier) throw new WardenError('EPERM', 'notifications are not available here', { reason: 'denied' });
      if (deps.budget && !deps.budget.notification()) {
        throw new WardenError('ERATE', 'host.ui.notify: too many notifications (at most a few a minute)');
      }
      await m.audited('ui.notify', '*', () => deps.notifier!.notify(deps.manifest.name, message, level ?? 'info'));
    },
  };
}
