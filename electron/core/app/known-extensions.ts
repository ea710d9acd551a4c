/**
 * The extensions the app host knows, whether or not their process runs: installed packages (from
 * the registry) and unsigned developer folders. The one place that loads, reloads and forgets
 * them, keeping the supervisor in step.
 */
import path from 'node:path';
import { WardenError } from '../../common/errors';
import type { Manifest } from '../../common/manifest';
import type { Logger } from '../platform/logger';
import type { Supervisor } from '../supervision/supervisor';
import { loadExtensionFolder, type LoadedExtension } from '../supervision/extension-loader';
import type { PackageRegistry } from '../packages';

/** An extension the host knows about, whether or not its process runs. */
export interface Known {
  source: 'installed' | 'dev';
  enabled: boolean;
  blocked?: string;
  manifest: Manifest;
  dir?: string;
}

export interface KnownExtensions {
  get(id: string): Known | undefined;
  /** The known extension `id`, or ENOENT. */
  require(id: string): Known;
  ids(): string[];
  entries(): Array<[string, Known]>;
  /** Installed packages first, then developer folders (an installed package wins over a folder). */
  loadAll(devFolders: readonly string[]): Promise<void>;
  /** Reloads an installed extension into the supervisor after the registry changed it. */
  reload(id: string): Promise<void>;
  /**
   * Turns a developer folder off (its process stops) or on again (the folder is read again, so
   * edits made meanwhile count). On failure it stays off and the error says why.
   */
  setDevEnabled(id: string, enabled: boolean): Promise<void>;
  /** Forgets `id` (after the supervisor stopped it and the registry removed it). */
  forget(id: string): void;
}

export function createKnownExtensions(d: {
  supervisor: Supervisor;
  registry: PackageRegistry;
  logger: Logger;
  changed(): void;
  /** Why the admin policy forbids this extension outright, if it does (never loaded then). */
  forbidden?(ext: { manifest: Manifest; publisherKey?: string }): string | undefined;
}): KnownExtensions {
  const { supervisor, registry } = d;
  const known = new Map<string, Known>();

  function addLoaded(ext: LoadedExtension, src: Known): void {
    const forbidden = d.forbidden?.(ext);
    const entry = forbidden && !src.blocked ? { ...src, blocked: forbidden } : src;
    known.set(ext.manifest.id, entry);
    if (entry.enabled && !entry.blocked) supervisor.add(ext);
  }

  /**
   * An installed extension that may not run (blocklisted, changed on disk…) stays visible with
   * the reason, so the user can roll it back or uninstall it; it is never added to the supervisor.
   */
  async function loadInstalled(id: string, info: { enabled: boolean; blocked?: string }): Promise<void> {
    try {
      const ext = await registry.loadInstalled(id);
      addLoaded(ext, { source: 'installed', enabled: info.enabled, blocked: info.blocked, manifest: ext.manifest });
    } catch (err) {
      const reason = info.blocked ?? `cannot be loaded: ${(err as Error).message}`;
      d.logger.warn(`installed extension ${id} will not run: ${reason}`);
      const manifest = await registry.manifest(id).catch(() => undefined);
      if (manifest) known.set(id, { source: 'installed', enabled: info.enabled, blocked: reason, manifest });
      else known.delete(id);
    }
  }

  return {
    get: (id) => known.get(id),
    require(id) {
      const k = known.get(id);
      if (!k) throw new WardenError('ENOENT', `no extension "${id}" is installed`);
      return k;
    },
    ids: () => [...known.keys()],
    entries: () => [...known],
    async loadAll(devFolders) {
      for (const info of await registry.list()) {
        if (info.enabled || info.blocked) await loadInstalled(info.id, info);
        else {
          const manifest = await registry.manifest(info.id).catch(() => undefined);
          if (manifest) known.set(info.id, { source: 'installed', enabled: false, manifest });
        }
      }
      for (const dir of devFolders) {
        const r = await loadExtensionFolder(path.resolve(dir));
        if (!r.ok) {
          d.logger.warn(`developer folder ${dir} is not a valid extension: ${r.errors[0]}`);
          continue;
        }
        if (known.has(r.extension.manifest.id)) continue; // an installed package wins
        addLoaded(
          { ...r.extension, unsigned: true },
          { source: 'dev', enabled: true, manifest: r.extension.manifest, dir: r.extension.dir },
        );
      }
    },
    async reload(id) {
      await supervisor.remove(id);
      const records = await registry.list();
      const info = records.find((r) => r.id === id);
      if (!info) {
        known.delete(id);
        d.changed();
        return;
      }
      if (info.enabled || info.blocked) await loadInstalled(id, info);
      else {
        const manifest = await registry.manifest(id);
        known.set(id, { source: 'installed', enabled: false, manifest });
      }
      d.changed();
    },
    async setDevEnabled(id, enabled) {
      const k = known.get(id);
      if (!k || k.source !== 'dev' || !k.dir) throw new WardenError('EINVAL', `${id} is not a developer folder`);
      if (!enabled) {
        k.enabled = false;
        await supervisor.remove(id);
        d.changed();
        return;
      }
      if (k.enabled) return;
      const r = await loadExtensionFolder(k.dir);
      if (!r.ok) throw new WardenError('EINVAL', `${id} cannot be enabled: ${r.errors[0] ?? 'invalid extension'}`);
      if (r.extension.manifest.id !== id) {
        throw new WardenError('EINVAL', `the folder of ${id} now holds ${r.extension.manifest.id}`);
      }
      await supervisor.remove(id); // nothing should be there; never two entries for one id
      known.set(id, { source: 'dev', enabled: true, manifest: r.extension.manifest, dir: r.extension.dir });
      supervisor.add({ ...r.extension, unsigned: true });
      d.changed();
    },
    forget: (id) => void known.delete(id),
  };
}
