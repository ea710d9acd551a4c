/**
 * The files a runtime (node, or Electron run as Node) must read to start: its binary, the shared
 * libraries the loader maps, OpenSSL's configuration (Debian's Node exits with code 13 when that
 * file is EACCES rather than ENOENT), and any resource folder it names. The OS wall grants read
 * and exec beneath exactly these, the sandbox bundle and the code cache.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** Files OpenSSL reads while Node starts, where the distribution puts them. */
const START_FILES = ['/etc/ssl/openssl.cnf'];

const cache = new Map<string, string[]>();

/** Library paths as the loader names them (`ldd`), so a bwrap root finds them where it looks. */
export function sharedLibraries(execPath: string): string[] {
  const hit = cache.get(execPath);
  if (hit) return hit;
  let libs: string[] = [];
  const r = spawnSync('ldd', [execPath], { encoding: 'utf8', timeout: 10_000, env: {} });
  if (r.status === 0) libs = parseLdd(r.stdout);
  else if (fs.realpathSync(execPath) === fs.realpathSync(process.execPath)) libs = mappedLibraries();
  cache.set(execPath, libs);
  return libs;
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
}

/** Every path the runtime reads at start, existing ones only, the binary first. */
export function runtimeReadPaths(o: RuntimeFilesOptions): string[] {
  const paths = [o.execPath, ...sharedLibraries(o.execPath), ...START_FILES, ...(o.resourceDirs ?? [])];
  return [...new Set(paths)].filter((p) => fs.existsSync(p));
}
