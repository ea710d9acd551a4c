/**
 * The installed-extensions state: `<dataDir>/extensions/state.json`, replaced atomically
 * (writeFileAtomic: temp file, fsync, rename; then the folder is fsynced). It is the commit point
 * of every install, update, rollback and uninstall: version folders are renamed into place before
 * the state that references them is written and deleted only after the state that drops them, so
 * recovery can delete anything the state does not reference.
 *
 * A lock file (`.lock`, holding the owner's pid) serialises writers across processes (the app and
 * the CLI); a lock whose owner is dead (killed mid-install) is taken over.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import { z } from 'zod';
import { writeFileAtomic } from '../platform/atomic-write';
import { PackageError } from './format';
import { pathProblem } from './paths';
import { crashPoint } from './crash-hook';
import { parseStrictJson } from '../../common/strict-json';

const safeDir = z
  .string()
  .refine((d) => !d.includes('/') && !pathProblem(d) && !d.startsWith('.'), 'unsafe folder name');

const VersionRecordSchema = z.object({
  version: z.string(),
  /** Folder name under `<id>/`: the version, or `<version>~<random>` for a re-installed dev copy. */
  dir: safeDir,
  installedAt: z.number(),
  mainSha256: z.string(),
  manifestSha256: z.string(),
  packageSha256: z.string().optional(),
  unsigned: z.boolean().optional(),
  /**
   * Committed before its files were known to be on disk (flush.ts): set by the install, cleared
   * once they are flushed. `highestBefore`: the id's highest version before this one (restored if
   * the version is found damaged and dropped, so it may be installed again).
   */
  unflushed: z.strictObject({ highestBefore: z.string().optional() }).optional(),
});
export type VersionRecord = z.infer<typeof VersionRecordSchema>;

const WideningSchema = z.object({
  'fs.read': z.array(z.string()),
  'fs.write': z.array(z.string()),
  net: z.array(z.string()),
  secrets: z.array(z.string()),
  notifications: z.boolean(),
});

const ExtensionRecordSchema = z.object({
  active: z.string(),
  /** Versions kept on disk (the active one and the one before it), newest first. */
  kept: z.array(VersionRecordSchema).min(1),
  /** A verified update whose wider permissions wait for the user's approval. */
  pending: VersionRecordSchema.extend({ widening: WideningSchema }).optional(),
  /** Pinned on first install: base64 raw ed25519 key and its fingerprint. */
  publicKey: z.string().optional(),
  fingerprint: z.string().optional(),
  unsigned: z.boolean().optional(),
  enabled: z.boolean(),
  /** The highest version ever installed: anything not above it is a replay. */
  highestVersion: z.string(),
  activatedAt: z.number(),
  /** The version active before the last update (what auto-rollback returns to). */
  updatedFrom: z.string().optional(),
  lastRollback: z.object({ from: z.string(), to: z.string(), at: z.number(), reason: z.string() }).optional(),
  /**
   * Crashes and failed activations of the active version since it was activated (auto-rollback
   * counts them here, so separate `warden run` processes add up). Bounded: the last few only.
   */
  failures: z
    .array(z.object({ at: z.number(), kind: z.enum(['crash', 'activation']) }))
    .max(16)
    .optional(),
});
export type ExtensionRecord = z.infer<typeof ExtensionRecordSchema>;
export type PendingRecord = NonNullable<ExtensionRecord['pending']>;

const BlockEntrySchema = z.object({
  id: z.string(),
  version: z.string(),
  sha256: z.string().optional(),
  /** Fingerprint of the catalog key whose index listed it. */
  catalog: z.string(),
});
export type BlockEntry = z.infer<typeof BlockEntrySchema>;

const StateSchema = z.object({
  format: z.literal(1),
  extensions: z.record(z.string(), ExtensionRecordSchema),
  /** Last index seen per catalog key: freeze and rollback protection. */
  catalogs: z.record(
    z.string(),
    z.object({ version: z.number(), sha256: z.string(), expires: z.string(), seenAt: z.number() }),
  ),
  blocklist: z.array(BlockEntrySchema),
  /**
   * Publisher keys pinned per id. They outlive `uninstall`: a reinstall signed by another key is
   * refused unless the user explicitly accepts the new key (`--accept-new-key`).
   */
  pins: z
    .record(z.string(), z.object({ publicKey: z.string(), fingerprint: z.string(), pinnedAt: z.number() }))
    .default({}),
});
export type InstallState = z.infer<typeof StateSchema>;
export type PublisherPin = InstallState['pins'][string];

export const emptyState = (): InstallState => ({ format: 1, extensions: {}, catalogs: {}, blocklist: [], pins: {} });

export function extensionsRoot(dataDir: string): string {
  return path.join(dataDir, 'extensions');
}
export function statePath(dataDir: string): string {
  return path.join(extensionsRoot(dataDir), 'state.json');
}

export async function readState(dataDir: string): Promise<InstallState> {
  let text: string;
  try {
    // Synchronous: a small file, read at every change, where a thread-pool hop costs more.
    text = fs.readFileSync(statePath(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw err;
  }
  let json: unknown;
  try {
    json = parseStrictJson(text);
  } catch {
    throw new PackageError(`${statePath(dataDir)} is corrupt (not strict JSON)`, 'refused');
  }
  const parsed = StateSchema.safeParse(json);
  if (!parsed.success)
    throw new PackageError(`${statePath(dataDir)} is corrupt (${parsed.error.issues[0]?.message})`, 'refused');
  return parsed.data;
}

/**
 * `before`: the state is renamed into place (committed) only once it resolves, e.g. the fsync
 * of a folder it refers to, which then runs while the new state is written and flushed.
 */
export async function writeState(
  dataDir: string,
  state: InstallState,
  before?: Promise<void>,
  opts: { syncFolder?: boolean } = {},
): Promise<void> {
  const root = extensionsRoot(dataDir);
  await fsp.mkdir(root, { recursive: true, mode: 0o700 });
  crashPoint('write state.json');
  await writeFileAtomic(statePath(dataDir), `${JSON.stringify(state, null, 2)}\n`, 0o600, before);
  // Without it the rename may be lost in a power cut (the old state comes back): what a commit
  // followed by a second, durable one (flush.ts) can afford.
  if (opts.syncFolder !== false) await fsyncDir(root);
  crashPoint('state.json written');
}

export async function fsyncDir(dir: string): Promise<void> {
  try {
    const h = await fsp.open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // some file systems cannot fsync a directory; the rename is still atomic
  }
}

export function isBlocked(
  state: InstallState,
  id: string,
  rec: Pick<VersionRecord, 'version' | 'packageSha256'>,
): BlockEntry | undefined {
  return state.blocklist.find(
    (b) => b.id === id && b.version === rec.version && (!b.sha256 || b.sha256 === rec.packageSha256),
  );
}

/** The folder of one kept (or pending) version. */
export function versionDir(dataDir: string, id: string, rec: Pick<VersionRecord, 'dir'>): string {
  return path.join(extensionsRoot(dataDir), id, rec.dir);
}

export interface Lock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the lock, if a live process does. */
export function lockHolder(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(extensionsRoot(dataDir), '.lock'), 'utf8').trim());
    return alive(pid) && pid !== process.pid ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the install lock, waiting up to `timeoutMs` for a live holder; a dead holder's lock is
 * renamed away (atomically, so two takers cannot both win) and taken.
 */
export async function acquireLock(dataDir: string, timeoutMs = 15_000): Promise<Lock> {
  // One holder per process first (so a lock file naming this pid is always a stale one)...
  const key = path.resolve(dataDir);
  const before = inProcess.get(key) ?? Promise.resolve();
  let releaseLocal!: () => void;
  const mine = new Promise<void>((r) => (releaseLocal = r));
  const chain = before.then(() => mine);
  inProcess.set(key, chain);
  await before;
  try {
    const fileLock = await acquireFileLock(dataDir, timeoutMs);
    return {
      async release() {
        await fileLock.release();
        if (inProcess.get(key) === chain) inProcess.delete(key);
        releaseLocal();
      },
    };
  } catch (err) {
    if (inProcess.get(key) === chain) inProcess.delete(key);
    releaseLocal();
    throw err;
  }
}

const inProcess = new Map<string, Promise<void>>();

/** Whether this process or another live one holds (or waits for) the install lock of `dataDir`. */
export function lockBusy(dataDir: string): boolean {
  return inProcess.has(path.resolve(dataDir)) || lockHolder(dataDir) !== undefined;
}

/** ...then one holder across processes. */
async function acquireFileLock(dataDir: string, timeoutMs: number): Promise<Lock> {
  const root = extensionsRoot(dataDir);
  // Taking and releasing a free lock is a few tiny local calls, made synchronously (each
  // thread-pool hop would cost more than the call, on every change).
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  const file = path.join(root, '.lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      try {
        fs.writeSync(fd, String(process.pid));
      } finally {
        fs.closeSync(fd);
      }
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          fs.rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = NaN;
    try {
      holder = Number((await fsp.readFile(file, 'utf8')).trim());
    } catch {
      continue; // released meanwhile
    }
    if (!alive(holder) || holder === process.pid) {
      // A lock still being written has no pid yet: give its writer a moment before calling it stale.
      if (Number.isNaN(holder) || holder === 0) {
        const st = await fsp.stat(file).catch(() => undefined);
        if (st && Date.now() - st.mtimeMs < 2000) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
      }
      const stale = `${file}.stale-${crypto.randomBytes(4).toString('hex')}`;
      await fsp.rename(file, stale).then(
        () => fsp.rm(stale, { force: true }),
        () => {},
      );
      continue;
    }
    if (Date.now() > deadline) {
      throw new PackageError(
        `another Warden process (pid ${holder}) is changing installed extensions; try again`,
        'refused',
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
