/** Reading installed extensions: the list the panel and the CLI show, and the checked load the supervisor runs. */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { loadExtensionFolder, type LoadedExtension } from '../supervision/extension-loader';
import { PackageError, SIGNATURE_FILE } from './format';
import type { PermissionWidening } from './permissions-diff';
import { fingerprintOf } from './signing';
import { sha256Hex, verifySignatureFile } from './verify';
import { isBlocked, lockBusy, readState, versionDir, type ExtensionRecord } from './install-state';
import { refuseIfDamaged } from './flush';
import { activeRecord, readManifestOf, recover, requireRecord } from './store';
import { readPackageSbom, type PackageSbom } from './sbom';

export interface InstalledInfo {
  id: string;
  version: string;
  name: string;
  publisher: string;
  enabled: boolean;
  unsigned: boolean;
  /** The catalog blocklist names the active version. */
  blocked?: string;
  fingerprint?: string;
  kept: string[];
  pending?: { version: string; widening: PermissionWidening };
  lastRollback?: ExtensionRecord['lastRollback'];
  activatedAt: number;
  updatedFrom?: string;
  problem?: string;
  /** The bundled npm packages its SBOM lists (`absent`: a package built without one). */
  sbom?: PackageSbom;
}

/** Why a blocklisted version may not run, as the panel and `warden list` show it. */
export const blockReason = (id: string, version: string, catalog: string) =>
  `${id}@${version} is blocklisted by a trusted catalog (key ${catalog.slice(0, 16)}…); it will not run: roll it back or uninstall it`;

/** The active version's manifest, unverified: for showing an extension that cannot be loaded. */
export async function readInstalledManifest(dataDir: string, id: string) {
  const state = await readState(dataDir);
  return readManifestOf(versionDir(dataDir, id, activeRecord(requireRecord(state, id))));
}

/** Why the active version of `id` is blocklisted, if it is: one read of state.json, no manifests. */
export async function blockedReason(dataDir: string, id: string): Promise<string | undefined> {
  const state = await readState(dataDir);
  if (!Object.hasOwn(state.extensions, id)) return undefined;
  const active = activeRecord(state.extensions[id]!);
  const block = isBlocked(state, id, active);
  return block ? blockReason(id, active.version, block.catalog) : undefined;
}

export async function listInstalled(dataDir: string): Promise<InstalledInfo[]> {
  const state = await readState(dataDir);
  const out: InstalledInfo[] = [];
  for (const id of Object.keys(state.extensions).sort()) {
    const rec = state.extensions[id]!;
    const info: InstalledInfo = {
      id,
      version: rec.active,
      name: id,
      publisher: id.split('.')[0] ?? id,
      enabled: rec.enabled,
      unsigned: rec.unsigned === true,
      kept: rec.kept.map((k) => k.version),
      activatedAt: rec.activatedAt,
      ...(rec.fingerprint ? { fingerprint: rec.fingerprint } : {}),
      ...(rec.pending ? { pending: { version: rec.pending.version, widening: rec.pending.widening } } : {}),
      ...(rec.lastRollback ? { lastRollback: rec.lastRollback } : {}),
      ...(rec.updatedFrom ? { updatedFrom: rec.updatedFrom } : {}),
    };
    try {
      const active = activeRecord(rec);
      const block = isBlocked(state, id, active);
      if (block) info.blocked = blockReason(id, active.version, block.catalog);
      const m = await readManifestOf(versionDir(dataDir, id, active));
      info.name = m.name;
      info.publisher = m.publisher;
      info.sbom = await readPackageSbom(versionDir(dataDir, id, active));
    } catch (err) {
      info.problem = err instanceof Error ? err.message : String(err);
    }
    out.push(info);
  }
  return out;
}

/**
 * Loads the active version of an installed extension for the supervisor: the signature is
 * verified again against the pinned key, manifest.json must still match its signed hash, and the
 * main bundle's signed hash is handed on (`integrity.mainSha256`), so every activation re-checks
 * it. Disabled and blocklisted extensions are refused.
 */
export async function loadInstalled(dataDir: string, id: string): Promise<LoadedExtension> {
  let state = await readState(dataDir);
  let rec = requireRecord(state, id);
  if (activeRecord(rec).unflushed) {
    // Committed but not known to be on disk (flush.ts). Its flusher is gone when nobody holds the
    // lock: recovery then re-checks it and falls back if it is damaged. Otherwise the flush is
    // under way: check every signed file now rather than wait for it.
    if (!lockBusy(dataDir)) {
      await recover(dataDir);
      state = await readState(dataDir);
      rec = requireRecord(state, id);
    }
    const active = activeRecord(rec);
    if (active.unflushed && !rec.unsigned) await refuseIfDamaged(dataDir, id, rec, active);
  }
  if (!rec.enabled) throw new PackageError(`${id} is disabled`, 'refused');
  const active = activeRecord(rec);
  const block = isBlocked(state, id, active);
  if (block)
    throw new PackageError(`${id}@${active.version} is blocklisted by a trusted catalog; it will not run`, 'refused');
  const dir = versionDir(dataDir, id, active);
  const manifestBytes = await fsp.readFile(path.join(dir, 'manifest.json')).catch(() => undefined);
  if (!manifestBytes)
    throw new PackageError(`${id}: the installed copy is missing manifest.json; reinstall it`, 'refused');
  let signedFiles: Record<string, string> | undefined;
  let publisherKey: string | undefined;
  if (!rec.unsigned) {
    let sigBytes: Buffer;
    try {
      sigBytes = await fsp.readFile(path.join(dir, SIGNATURE_FILE));
    } catch {
      throw new PackageError(`${id}: the installed copy has no ${SIGNATURE_FILE}; reinstall it`, 'refused');
    }
    const signed = verifySignatureFile(sigBytes);
    const fpr = fingerprintOf(signed.publicKey);
    if (fpr !== rec.fingerprint || signed.id !== id || signed.version !== active.version) {
      throw new PackageError(
        `${id}: the installed signature does not match the pinned publisher key or version`,
        'refused',
      );
    }
    if (sha256Hex(manifestBytes) !== signed.files['manifest.json']) {
      throw new PackageError(`${id}: manifest.json was changed after install; reinstall it`, 'refused');
    }
    publisherKey = fpr;
    signedFiles = signed.files;
  } else if (sha256Hex(manifestBytes) !== active.manifestSha256) {
    throw new PackageError(`${id}: manifest.json was changed after install; reinstall it`, 'refused');
  }
  const loaded = await loadExtensionFolder(dir);
  if (!loaded.ok) throw new PackageError(`${id}: ${loaded.errors[0]}`, 'refused');
  const ext = loaded.extension;
  const mainSha256 = signedFiles ? signedFiles[ext.manifest.main] : active.mainSha256;
  if (!mainSha256) throw new PackageError(`${id}: ${ext.manifest.main} is not in the signed file list`, 'refused');
  return {
    ...ext,
    integrity: { mainSha256, ...(signedFiles ? { files: signedFiles } : {}) },
    ...(publisherKey ? { publisherKey } : {}),
    ...(rec.unsigned ? { unsigned: true } : {}),
  };
}
