/** `host.storage.*`: the extension's own key-value store (no permission: it is private data). */
import type { HostApiDeps, HostMethodImpls } from './context';

export function createStorageMethods(
  deps: HostApiDeps,
): HostMethodImpls<'storage.get' | 'storage.set' | 'storage.delete' | 'storage.keys'> {
  const { storage } = deps.data;
  return {
    'storage.get': async ([key]) => storage.get(key),
    'storage.set': async ([key, value]) => storage.set(key, value),
    'storage.delete': async ([key]) => storage.delete(key),
    'storage.keys': async () => storage.keys(),
  };
}
