/** Changes to installed extensions other than installing: approve, roll back, uninstall, enable/disable. */
import fsp from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { crashPoint } from './crash-hook';
import { PackageError } from './format';
import { extensionsRoot, isBlocked, versionDir, writeState, type ExtensionRecord } from './install-state';
import {
  activate,
  audit,
  KEEP,
  readManifestOf,
  removeUnreferenced,
  requireRecord,
  withLock,
  type RegistryOptions,
} from './store';
import type { InstallOutcome } from './install';

/** Activates an update that was waiting for approval of its wider permissions. */
export async function approveUpdate(dataDir: string, id: string, opts: RegistryOptions = {}): Promise<InstallOutcome> {
  const now = opts.now ?? Date.now;
  return withLock(dataDir, opts, async (state) => {
    const before = requireRecord(state, id);
    const pending = before.pending;
    if (!pending) throw new PackageError(`${id} has no update waiting for approval`, 'not-found');
    const { widening, ...plain } = pending;
    if (isBlocked(state, id, plain))
      throw new PackageError(`${id}@${plain.version} is blocklisted by a trusted catalog`, 'refused');
    const manifest = await readManifestOf(versionDir(dataDir, id, plain));
    const next = activate({ ...before, pending: undefined }, plain, now());
    state.extensions[id] = next;
    await writeState(dataDir, state);
    await removeUnreferenced(dataDir, id, before, next);
    audit(opts, id, `approved update ${before.active} → ${plain.version} (wider permissions)`);
    return {
      id,
      version: plain.version,
      status: 'updated',
      from: before.active,
      widening,
      fingerprint: before.fingerprint,
      manifest,
    };
  });
}

export interface RollbackOutcome {
  id: string;
  from: string;
  to: string;
  reason: string;
}

/** Makes an older kept version active again (only versions kept locally). */
export async function rollbackExtension(
  dataDir: string,
  id: string,
  opts: RegistryOptions & { to?: string; reason?: string; onlyIfActive?: string } = {},
): Promise<RollbackOutcome> {
  const now = opts.now ?? Date.now;
  return withLock(dataDir, opts, async (state) => {
    const before = requireRecord(state, id);
    if (opts.onlyIfActive && before.active !== opts.onlyIfActive) {
      throw new PackageError(`${id} is no longer at ${opts.onlyIfActive} (now ${before.active})`, 'refused');
    }
    const older = before.kept.filter((k) => semver.lt(k.version, before.active));
    const target = opts.to ? before.kept.find((k) => k.version === opts.to && k.version !== before.active) : older[0];
    if (!target) {
      throw new PackageError(
        opts.to
          ? `${id} ${opts.to} is not kept locally (kept: ${before.kept.map((k) => k.version).join(', ')})`
          : `${id} has no earlier version kept locally`,
        'not-found',
      );
    }
    if (isBlocked(state, id, target))
      throw new PackageError(`${id}@${target.version} is blocklisted by a trusted catalog`, 'refused');
    const reason = opts.reason ?? 'requested by the user';
    const next: ExtensionRecord = {
      ...before,
      active: target.version,
      kept: [target, ...before.kept.filter((k) => k !== target)].slice(0, KEEP),
      activatedAt: now(),
      updatedFrom: undefined,
      lastRollback: { from: before.active, to: target.version, at: now(), reason },
    };
    state.extensions[id] = next;
    await writeState(dataDir, state);
    await removeUnreferenced(dataDir, id, before, next);
    audit(opts, id, `rolled back ${before.active} → ${target.version}: ${reason}`);
    return { id, from: before.active, to: target.version, reason };
  });
}

export async function uninstallExtension(
  dataDir: string,
  id: string,
  opts: RegistryOptions = {},
): Promise<{ id: string; version: string }> {
  return withLock(dataDir, opts, async (state) => {
    const before = requireRecord(state, id);
    delete state.extensions[id];
    await writeState(dataDir, state);
    await fsp.rm(path.join(extensionsRoot(dataDir), id), { recursive: true, force: true });
    crashPoint(`removed ${id}`);
    audit(opts, id, `uninstalled ${before.active}`);
    return { id, version: before.active };
  });
}

export async function setEnabled(
  dataDir: string,
  id: string,
  enabled: boolean,
  opts: RegistryOptions = {},
): Promise<void> {
  await withLock(dataDir, opts, async (state) => {
    const rec = requireRecord(state, id);
    state.extensions[id] = { ...rec, enabled };
    await writeState(dataDir, state);
    audit(opts, id, enabled ? 'enabled' : 'disabled');
  });
}
