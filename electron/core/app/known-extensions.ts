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
  /** Forgets `id` (after the supervisor stopped it and the registry removed it). */
  forget(id: string): void;
}

export function createKnownExtensions(d: {
  supervisor: Supervisor;
  registry: PackageRegistry;
  logger: Logger;
  changed(): void;
}): KnownExtensions {
  const { supervisor, registry } = d;
  const known = new Map<string, Known>();

  function addLoaded(ext: LoadedExtension, src: Known): void {
    known.set(ext.manifest.id, src);
    if (src.enabled && !src.blocked) supervisor.add(ext);
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
        try {
          const ext = await registry.loadInstalled(info.id);
          addLoaded(ext, {
            source: 'installed',
            enabled: info.enabled,
            blocked: info.blocked,
            manifest: ext.manifest,
          });
        } catch (err) {
          d.logger.warn(`installed extension ${info.id} cannot be loaded: ${(err as Error).message}`);
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
      const ext = await registry.loadInstalled(id);
      known.set(id, { source: 'installed', enabled: info.enabled, blocked: info.blocked, manifest: ext.manifest });
      if (info.enabled && !info.blocked) supervisor.add(ext);
      d.changed();
    },
    forget: (id) => void known.delete(id),
  };
}
