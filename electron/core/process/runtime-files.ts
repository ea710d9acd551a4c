/**
 * The files a runtime (node, or Electron run as Node) must read to start: its binary, the shared
 * libraries the loader maps, OpenSSL's configuration (Debian's Node exits with code 13 when that
 * file is EACCES rather than ENOENT), and any resource folder it names. The OS wall grants read
 * and exec beneath exactly these, the sandbox bundle and the code cache.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseStrictJson } from '../../common/strict-json';

/** Files OpenSSL reads while Node starts, where the distribution puts them. */
const START_FILES = ['/etc/ssl/openssl.cnf'];

const cache = new Map<string, string[]>();

/**
 * Library paths as the loader names them (`ldd`), so a bwrap root finds them where it looks.
 * `ldd` costs ~35 ms a run, paid by every one-shot CLI command: with `cacheFile` (in the host's
 * data folder) the answer is kept there, keyed by the binary's real path, size and mtime, so a
 * new or upgraded runtime is asked again.
 */
export function sharedLibraries(execPath: string, cacheFile?: string): string[] {
  const hit = cache.get(execPath);
  if (hit) return hit;
  const key = cacheFile ? binaryKey(execPath) : undefined;
  let libs = key ? readCached(cacheFile!, key) : undefined;
  if (!libs) {
    libs = [];
    const r = spawnSync('ldd', [execPath], { encoding: 'utf8', timeout: 10_000, env: {} });
    if (r.status === 0) libs = parseLdd(r.stdout);
    else if (fs.realpathSync(execPath) === fs.realpathSync(process.execPath)) libs = mappedLibraries();
    if (key && libs.length) writeCached(cacheFile!, key, libs);
  }
  cache.set(execPath, libs);
  return libs;
}

/** What identifies one build of the runtime: its real path, size and modification time. */
function binaryKey(execPath: string): string | undefined {
  try {
    const real = fs.realpathSync(execPath);
    const st = fs.statSync(real);
    return `${real}\0${st.size}\0${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/** The cached list for `key`, or undefined when absent, stale or not exactly the expected shape. */
function readCached(file: string, key: string): string[] | undefined {
  try {
    const data = parseStrictJson(fs.readFileSync(file, 'utf8')) as { key?: unknown; libs?: unknown };
    if (data?.key !== key || !Array.isArray(data.libs) || data.libs.length > 1000) return undefined;
    const libs = data.libs as unknown[];
    return libs.every((l): l is string => typeof l === 'string' && path.isAbsolute(l) && !l.includes('\0'))
      ? libs
      : undefined;
  } catch {
    return undefined;
  }
}

function writeCached(file: string, key: string, libs: string[]): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(tmp, JSON.stringify({ key, libs }), { mode: 0o600 });
    fs.renameSync(tmp, file); // atomic: a concurrent reader sees the old file or the whole new one
  } catch {
    fs.rmSync(tmp, { force: true }); // read-only data folder: ask ldd again next run
  }
}

/** `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)` and `/lib64/ld-linux-x86-64.so.2 (0x…)`. */
export function parseLdd(text: string): string[] {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/i.exec(line);
    if (m) out.add(m[1]!);
  }
  return [...out].sort();
}

/** Fallback without `ldd`: the shared objects this very process has mapped. */
export function mappedLibraries(maps = readMaps()): string[] {
  const out = new Set<string>();
  for (const line of maps.split('\n')) {
    const file = line.split(/\s+/).slice(5).join(' ');
    if (file.startsWith('/') && /\.so(\.[0-9.]+)?$/.test(file)) out.add(file);
  }
  return [...out].sort();
}

function readMaps(): string {
  try {
    return fs.readFileSync('/proc/self/maps', 'utf8');
  } catch {
    return '';
  }
}

export interface RuntimeFilesOptions {
  execPath: string;
  /** Folders of the runtime's own resources (Electron's resources, ICU data, snapshots). */
  resourceDirs?: string[];
  /** Where `sharedLibraries` keeps its answer between runs (a file in the host's data folder). */
  cacheFile?: string;
}

/** Every path the runtime reads at start, existing ones only, the binary first. */
export function runtimeReadPaths(o: RuntimeFilesOptions): string[] {
  const paths = [o.execPath, ...sharedLibraries(o.execPath, o.cacheFile), ...START_FILES, ...(o.resourceDirs ?? [])];
  return [...new Set(paths)].filter((p) => fs.existsSync(p));
}
