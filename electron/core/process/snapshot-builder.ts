/**
 * The sandbox's V8 start-up snapshot (docs/os-wall.md, "Start-up snapshot"): SES loaded and the
 * realm locked down inside a blob, so an extension process starts about as fast as a bare node.
 *
 * The blob is code every process runs before any protection is up, so a changed blob is a full
 * SES bypass. Hence:
 * - Only the host writes it: an unconfined `node --build-snapshot` of Warden's own entry
 *   (dist/sandbox/snapshot.cjs, no extension code), into the code-cache folder the OS wall lets
 *   extension processes read and write nowhere.
 * - Its SHA-256 is kept beside it and checked before this host first starts a process from it;
 *   after that, every start checks that the file is the one hashed (device, inode, size, mtime,
 *   ctime: any write or replacement changes these, and no unprivileged process can set ctime
 *   back). Hashing the blob (2–8 MB) at every start would cost much of what the snapshot saves.
 * - It is keyed by node version, arch, the runtime's flags, the entry's path and its SHA-256: a
 *   stale one is never found, and a new one is built.
 * - Anything short of a verified blob (being built, failed to build, hash mismatch, changed since
 *   verified, a process that died starting from it) is reported as the reason and the launcher
 *   starts processes the usual way (bootstrap.cjs with the code cache).
 *
 * V8 11.3 (Node 20) aborts when it deserialises a locked-down realm: it adds flagged-but-shipping
 * features (change-array-by-copy, resizable ArrayBuffers) to the frozen prototypes. Which V8
 * needs them off is found out, not assumed: the blob is built and probed without extra flags
 * first, then with those two features off (the sandbox restores change-array-by-copy before
 * lockdown: sandbox/array-by-copy.ts). The flags that worked are kept with the blob.
 *
 * The blob is built without node's code cache of its own built-in modules
 * (`--build-snapshot-config` with `withoutCodeCache`, node ≥ 20.12; older nodes build it with
 * the cache): that cache is 2.8 of the blob's 4.9 MB, and node 20 reads and copies the whole file
 * at every start, while the few built-ins a sandbox loads after it starts compile in less time.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { codeCacheTag } from '../../common/code-cache-key';
import { fileIdentity } from '../../common/file-identity';
import { SNAPSHOT_PROBE_FLAG, SNAPSHOT_PROBE_OK } from '../../common/snapshot-key';

/** V8 features whose deserialisation into a frozen realm aborts V8 11.3. */
export const SNAPSHOT_FALLBACK_FLAGS = ['--no-harmony-change-array-by-copy', '--no-harmony-rab-gsab'];
/** Node's exit code for an unknown command-line option. */
const INVALID_OPTION_EXIT = 9;
/** Longest one build or probe may take (a loaded 2-core machine takes ~1 s). */
const STEP_TIMEOUT_MS = 60_000;

export interface StartupSnapshotOptions {
  runtime: string;
  /** dist/sandbox/snapshot.cjs. */
  entryPath: string;
  /** dist/sandbox/bootstrap.cjs: the script argument of a probe run (node ignores it). */
  bootstrapPath: string;
  /** The host's code-cache folder (children may read it, only the host writes). */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Tests: the flag sets tried, in order (default: none, then SNAPSHOT_FALLBACK_FLAGS). */
  candidates?: string[][];
}

export type SnapshotLookup = { ok: true; blob: string; flags: string[] } | { ok: false; reason: string };

export interface StartupSnapshots {
  /** The verified blob for these runtime flags, or why not (and its preparation starts). */
  lookup(runtimeFlags: string[]): SnapshotLookup;
  /** Resolves once the blob for these flags is verified (true) or cannot be (false). */
  ready(runtimeFlags: string[]): Promise<boolean>;
  /** A process started from this blob failed to start: not used again by this host. */
  reject(blob: string, reason: string): void;
}

interface Meta {
  sha256: string;
  flags: string[];
}

interface Entry {
  state: 'preparing' | 'ready' | 'failed';
  reason: string;
  blob: string;
  flags: string[];
  fingerprint?: string;
  done: Promise<boolean>;
}

/** A file's identity (device, inode, size, mtime, ctime); also used by supervision/python-verified-files.ts. */
export const fingerprintOf = (file: string): string | undefined => {
  const s = fs.statSync(file, { throwIfNoEntry: false, bigint: true });
  return s ? fileIdentity(s) : undefined;
};

/** SHA-256 of a file, read in chunks off the main thread's way. */
export function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'ignore'], env, windowsHide: true });
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
    child.stdout.on('data', (c: Buffer) => {
      if (out.length < 4096) out += c.toString('utf8');
    });
    child.on('error', () => {
      clearTimeout(timer);
      resolve({ code: null, out });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

function readMeta(file: string): Meta | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Meta>;
    if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256)) return undefined;
    if (!Array.isArray(m.flags) || !m.flags.every((f) => SNAPSHOT_FALLBACK_FLAGS.includes(f))) return undefined;
    return { sha256: m.sha256, flags: m.flags };
  } catch {
    return undefined;
  }
}

export function createStartupSnapshots(o: StartupSnapshotOptions): StartupSnapshots {
  const entries = new Map<string, Entry>();
  const candidates = o.candidates ?? [[], SNAPSHOT_FALLBACK_FLAGS];
  let entryHash: Promise<string | undefined> | undefined;
  const entrySha = () => (entryHash ??= hashFile(o.entryPath).catch(() => undefined));

  async function build(blob: string, runtimeFlags: string[]): Promise<Meta | string> {
    const tmp = `${blob}.${process.pid}.tmp`;
    const config = `${tmp}.config.json`;
    let withConfig = true;
    let last = 'no flag set worked';
    try {
      fs.writeFileSync(config, JSON.stringify({ builder: o.entryPath, withoutCodeCache: true }), { mode: 0o600 });
      for (const extra of candidates) {
        fs.rmSync(tmp, { force: true });
        const flags = [...runtimeFlags, ...extra];
        let made = { code: null as number | null, out: '' };
        if (withConfig) {
          made = await run(o.runtime, [...flags, '--snapshot-blob', tmp, '--build-snapshot-config', config], o.env);
          // A node without --build-snapshot-config (before 20.12) refuses the option (exit 9).
          if (made.code === INVALID_OPTION_EXIT) withConfig = false;
        }
        if (!withConfig) {
          made = await run(o.runtime, [...flags, '--snapshot-blob', tmp, '--build-snapshot', o.entryPath], o.env);
        }
        if (made.code !== 0 || !fs.existsSync(tmp)) {
          last = `build failed (exit ${made.code})`;
          continue;
        }
        const probe = await run(
          o.runtime,
          [...flags, '--snapshot-blob', tmp, o.bootstrapPath, SNAPSHOT_PROBE_FLAG],
          o.env,
        );
        if (probe.code !== 0 || probe.out.trim() !== SNAPSHOT_PROBE_OK) {
          last = `a process started from it failed (exit ${probe.code})`;
          continue;
        }
        const sha256 = await hashFile(tmp);
        fs.renameSync(tmp, blob);
        const meta: Meta = { sha256, flags: extra };
        fs.writeFileSync(`${blob}.json.tmp`, JSON.stringify(meta), { mode: 0o600 });
        fs.renameSync(`${blob}.json.tmp`, `${blob}.json`);
        return meta;
      }
      return last;
    } catch (e) {
      return `build failed (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
    } finally {
      fs.rmSync(tmp, { force: true });
      fs.rmSync(config, { force: true });
    }
  }

  async function prepare(entry: Entry, runtimeFlags: string[]): Promise<boolean> {
    const fail = (reason: string) => {
      entry.state = 'failed';
      entry.reason = reason;
      return false;
    };
    let meta = readMeta(`${entry.blob}.json`);
    if (meta) {
      const before = fingerprintOf(entry.blob);
      const sha = await hashFile(entry.blob).catch(() => undefined);
      if (sha !== meta.sha256 || fingerprintOf(entry.blob) !== before) {
        // Changed by someone other than this host's builder: never used; made again.
        fs.rmSync(entry.blob, { force: true });
        fs.rmSync(`${entry.blob}.json`, { force: true });
        meta = undefined;
      }
    }
    if (!meta) {
      const made = await build(entry.blob, runtimeFlags);
      if (typeof made === 'string') return fail(`snapshot not built: ${made}`);
      meta = made;
    }
    const fingerprint = fingerprintOf(entry.blob);
    if (!fingerprint) return fail('snapshot missing after it was built');
    entry.fingerprint = fingerprint;
    entry.flags = meta.flags;
    entry.state = 'ready';
    entry.reason = meta.flags.length ? `snapshot (with ${meta.flags.join(' ')})` : 'snapshot';
    return true;
  }

  function entryFor(runtimeFlags: string[]): Entry {
    const tag = codeCacheTag(process.version, process.arch, [...runtimeFlags, o.entryPath]);
    let entry = entries.get(tag);
    if (entry) return entry;
    const e: Entry = { state: 'preparing', reason: 'snapshot being prepared', blob: '', flags: [], done: undefined! };
    entry = e;
    entries.set(tag, e);
    e.done = entrySha().then((sha) => {
      if (!sha) {
        e.state = 'failed';
        e.reason = 'no snapshot entry in this build';
        return false;
      }
      e.blob = path.join(o.dir, `sandbox-${sha.slice(0, 24)}-${tag}.snapshot`);
      return prepare(e, runtimeFlags).catch(() => {
        e.state = 'failed';
        e.reason = 'snapshot preparation failed';
        return false;
      });
    });
    return e;
  }

  return {
    lookup(runtimeFlags) {
      const entry = entryFor(runtimeFlags);
      if (entry.state !== 'ready') return { ok: false, reason: entry.reason };
      if (fingerprintOf(entry.blob) !== entry.fingerprint) {
        // Written or replaced since it was hashed: never started from; checked again (and rebuilt).
        entry.state = 'preparing';
        entry.reason = 'snapshot changed since it was verified';
        const reason = entry.reason;
        entry.done = prepare(entry, runtimeFlags).catch(() => false);
        return { ok: false, reason };
      }
      return { ok: true, blob: entry.blob, flags: entry.flags };
    },
    ready: (runtimeFlags) => entryFor(runtimeFlags).done,
    reject(blob, reason) {
      for (const entry of entries.values()) {
        if (entry.blob !== blob) continue;
        entry.state = 'failed';
        entry.reason = `snapshot disabled: ${reason}`;
      }
    },
  };
}
