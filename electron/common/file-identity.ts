/**
 * A file's identity as the host records it when it verifies the file's SHA-256 once and trusts it
 * afterwards (docs/python.md, "Start-up"): device, inode, size, mtime and ctime, nanoseconds. Any
 * write or replacement changes at least one of them, and no unprivileged process can set ctime
 * back. The start-up snapshot's `fingerprintOf` (core/process/snapshot-builder.ts) is
 * this text of a path's stat, so host and sandbox compare like with like.
 */

/** What `fs.statSync(f, { bigint: true })` / `fs.fstatSync(fd, { bigint: true })` gives. */
export interface BigIntStatLike {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export const fileIdentity = (s: BigIntStatLike): string => `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;

/** The shape of an identity in a message or a record (bounded: five decimal integers). */
export const FILE_IDENTITY_RE = /^\d{1,20}:\d{1,20}:\d{1,20}:\d{1,30}:\d{1,30}$/;
