/**
 * Reads a file the host verified (docs/python.md, "Start-up"): the Python runtime's files and its
 * memory snapshot. The host hashes each file once per identity (core/supervision/
 * python-verified-files.ts) and names the identity it verified; here the file is opened once, the
 * descriptor fstat()ed before and after it is read through, and the bytes are used without hashing
 * only when both match that identity. Anything else (no identity given, a different one, a write
 * during the read) means a full SHA-256 of the bytes read, and a mismatch refuses them: fail
 * closed, never a silent use of bytes nobody checked.
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { fileIdentity } from '../common/file-identity';
import type { PhaseClock } from './python-phases';

export interface ExpectedFile {
  sha256: string;
  /** The identity the host verified the file at (common/file-identity.ts). */
  identity?: string;
}

/** The largest file read this way (the memory snapshot is ~30 MiB, the wasm ~10 MiB). */
const MAX_BYTES = 1024 * 1024 * 1024;

/** The bytes were not the ones the host verified and do not hash to the expected SHA-256. */
export class UnverifiedFileError extends Error {
  readonly code = 'EPERM';
  constructor(
    readonly label: string,
    readonly changed: boolean,
  ) {
    super(
      changed
        ? `${label} changed after the host verified it and does not match its SHA-256`
        : `${label} does not match its SHA-256`,
    );
    this.name = 'UnverifiedFileError';
  }
}

/**
 * `file`'s bytes, read through one descriptor, in a buffer of their own (callers may change it).
 * `label` names the file in errors (never a host path).
 */
export function readVerified(file: string, label: string, expected: ExpectedFile, clock?: PhaseClock): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    const before = fs.fstatSync(fd, { bigint: true });
    if (!before.isFile() || before.size > BigInt(MAX_BYTES)) throw new UnverifiedFileError(label, true);
    const bytes = new Uint8Array(Number(before.size));
    let at = 0;
    while (at < bytes.length) {
      const n = fs.readSync(fd, bytes, at, bytes.length - at, at);
      if (n === 0) break;
      at += n;
    }
    const after = fs.fstatSync(fd, { bigint: true });
    const id = fileIdentity(before);
    if (at === bytes.length && expected.identity === id && fileIdentity(after) === id) return bytes;
    // Not the file the host verified, or changed while read: only a full hash can accept it.
    clock?.hashed(at);
    if (at === bytes.length && createHash('sha256').update(bytes).digest('hex') === expected.sha256) return bytes;
    throw new UnverifiedFileError(label, expected.identity !== undefined);
  } finally {
    fs.closeSync(fd);
  }
}
