/** `host.storage.*`: the extension's own key-value store (no permission: it is private data; audited). */
import type { HostApiDeps, HostMethodImpls } from './context';
import type { Metering } from './metering';

export function createStorageMethods(
  deps: HostApiDeps,
  m: Metering,
): HostMethodImpls<'storage.get' | 'storage.set' | 'storage.delete' | 'storage.keys'> {
  const { storage } = deps.data;
  return {
    'storage.get': async ([key]) => m.audited('storage.get', key, () => storage.get(key)),
    'storage.set': async ([key, value]) => m.audited('storage.set', key, () => storage.set(key, value)),
    'storage.delete': async ([key]) => m.audited('storage.delete', key, () => storage.delete(key)),
    'storage.keys': async () => m.audited('storage.keys', '*', () => storage.keys()),
  };
}
