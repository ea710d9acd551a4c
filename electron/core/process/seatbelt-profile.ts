/**
 * The macOS plan for the OS wall: a Seatbelt (SBPL) profile for `sandbox-exec -f <profile> --
 * <runtime> <flags> bootstrap.cjs`, generated here so it can be unit-tested even where it cannot
 * run. Deny by default; read (and exec of the runtime) beneath exactly the runtime's files, the
 * sandbox bundle and the code cache; no write, no network, no process creation, signals only to
 * itself. `sandbox-exec` is deprecated but still what Chromium's own sandbox compiles to; see
 * docs/os-wall.md for what must be measured on a Mac before it is switched on.
 */

export interface SeatbeltInput {
  /** The runtime binary (node, or the Electron helper run as Node). */
  runtime: string;
  /** Folders and files the process may read (bundle folder, code cache, runtime resources). */
  readPaths: string[];
}

/** An SBPL string literal. Paths are absolute and free of NUL (else the profile is refused). */
export function sbplString(value: string): string {
  if (value.includes('\0')) throw new Error('a path with a NUL byte cannot be put in a profile');
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function absolute(p: string): string {
  if (!p.startsWith('/')) throw new Error(`seatbelt paths must be absolute: ${JSON.stringify(p)}`);
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

export function seatbeltProfile(i: SeatbeltInput): string {
  const runtime = absolute(i.runtime);
  const reads = [...new Set(i.readPaths.map(absolute))].sort();
  return [
    '(version 1)',
    '(deny default)',
    ';; The runtime itself, and the system libraries and frameworks dyld maps.',
    `(allow process-exec (literal ${sbplString(runtime)}))`,
    `(allow file-read* (literal ${sbplString(runtime)}))`,
    '(allow file-read* (subpath "/usr/lib") (subpath "/System/Library") (literal "/dev/urandom") (literal "/dev/null"))',
    '(allow file-read-metadata (literal "/") (literal "/private") (literal "/var") (literal "/private/var"))',
    ';; The sandbox bundle and the code cache: read only.',
    ...reads.map((p) => `(allow file-read* (subpath ${sbplString(p)}))`),
    ';; Start-up needs: sysctl reads for the CPU count and page size, its own shared memory.',
    '(allow sysctl-read)',
    '(allow ipc-posix-shm-read-data (ipc-posix-name-regex #"^/com\\.apple\\."))',
    '(allow process-info* (target self))',
    '(allow signal (target self))',
    ';; Stated for readers: covered by (deny default) already.',
    '(deny file-write*)',
    '(deny network*)',
    '(deny process-fork)',
    '',
  ].join('\n');
}
