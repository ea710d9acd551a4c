/** `app.*` and the host's own file picker. */
import { WardenError } from '../../../common/errors';
import { WARDEN_API_VERSION } from '../../../common/version';
import type { HandlerDeps, Handlers } from './types';

export function appHandlers(d: HandlerDeps): Handlers<'app.info' | 'app.openExternal' | 'pickers.pickFile'> {
  return {
    'app.info': async () => ({
      version: d.options.version,
      apiVersion: WARDEN_API_VERSION,
      mode: d.options.mode,
      ...(d.options.note ? { note: d.options.note } : {}),
    }),
    'app.openExternal': async ({ url }) => {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new WardenError('EINVAL', 'not a URL');
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw new WardenError('EINVAL', 'only http(s) links can be opened');
      return { opened: d.options.openExternal ? await d.options.openExternal(parsed.href) : false };
    },
    'pickers.pickFile': async ({ title, kind }) => {
      if (!d.options.picker)
        throw new WardenError('EPERM', 'no file picker is available in this host', { reason: 'denied' });
      return {
        path: await d.options.picker.pick({
          extensionName: 'Warden',
          kind: kind ?? 'file',
          ...(title ? { title } : {}),
        }),
      };
    },
  };
}
