/**
 * The `.wext` package format (written by pack.ts, read by extract.ts and verify.ts), its limits and its one error type.
 *
 * A `.wext` is a ustar archive (plain by default, gzip'd with `warden pack --gzip`; both are
 * read) of the extension's shipped files plus
 * `warden-signature.json`, which holds an ed25519 signature over the canonical JSON of
 * `{ format: 1, id, version, publisher, publicKey, files: { path: sha256 } }` (the signature file
 * itself is not in `files`).
 */

export const PACKAGE_FORMAT = 1;
export const SIGNATURE_FILE = 'warden-signature.json';
export const PACKAGE_EXT = '.wext';

/** Caps applied while reading any archive: checked on declared sizes and on bytes actually written. */
export interface ExtractLimits {
  /** Sum of all file bytes. */
  totalBytes: number;
  entryBytes: number;
  entries: number;
  /** The archive after decompression (headers and padding included): stops a gzip bomb early. */
  tarBytes: number;
  /** The package file as stored (before decompression). */
  fileBytes: number;
}

export const DEFAULT_LIMITS: ExtractLimits = {
  totalBytes: 64 * 1024 * 1024,
  entryBytes: 32 * 1024 * 1024,
  entries: 10_000,
  tarBytes: 64 * 1024 * 1024 + 10_000 * 1024 + 1024 * 1024,
  fileBytes: 80 * 1024 * 1024,
};

/** Small files read into memory while extracting. */
export const MAX_SIGNATURE_BYTES = 1024 * 1024;
export const MAX_PATH_LENGTH = 255;

export type PackageErrorKind =
  /** Malformed or unsafe archive, bad signature, hash mismatch, incompatible engine. */
  | 'invalid'
  /** Well-formed but not acceptable here: another key, an older version, blocklisted, expired index. */
  | 'refused'
  /** Not installed, no such version, nothing pending. */
  | 'not-found';

/** A package problem, with a one-line message fit for a user (never a stack, never a host object). */
export class PackageError extends Error {
  constructor(
    message: string,
    readonly kind: PackageErrorKind = 'invalid',
  ) {
    super(message);
    this.name = 'PackageError';
  }
}
