/**
 * Error mapping for the fs gateway. Every message names only the path as the extension gave it:
 * a real path may differ (a symlink's target, the home folder) and must not leak.
 */
import { WardenError } from '../../../common/errors';

/** Thrown inside the gateway when the object about to be used is not the one that was checked. */
export class ChangedError extends Error {
  constructor() {
    super('the file changed between the permission check and its use');
    this.name = 'ChangedError';
  }
}

export const changed = (given: string): WardenError =>
  new WardenError('EPERM', `"${given}" changed while it was being opened; nothing was done`, { reason: 'denied' });

export const notFollowed = (given: string): WardenError =>
  new WardenError('EPERM', `symbolic links are not followed: ${given}`, { reason: 'denied' });

export function mapFsError(err: unknown, given: string): WardenError {
  if (err instanceof WardenError) return err;
  if (err instanceof ChangedError) return changed(given);
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new WardenError('ENOENT', `no such file or directory: ${given}`);
    case 'EEXIST':
      return new WardenError('EEXIST', `already exists: ${given}`);
    case 'EISDIR':
      return new WardenError('EISDIR', `is a directory: ${given}`);
    case 'ENOTDIR':
      return new WardenError('ENOTDIR', `not a directory: ${given}`);
    case 'ENOTEMPTY':
      return new WardenError('EINVAL', `directory not empty: ${given} (pass { recursive: true })`);
    case 'ENAMETOOLONG':
      return new WardenError('EINVAL', `the path or a name in it is too long: ${given}`);
    case 'ELOOP':
    case 'EMLINK':
      return notFollowed(given);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new WardenError('EPERM', `the operating system refused access: ${given}`, { reason: 'denied' });
    case 'ETIMEDOUT':
      return new WardenError('ETIMEDOUT', `the file system did not answer in time: ${given}`);
    case 'EPOOLFULL':
      // pinned-pool.ts: more reads waiting than it holds
      return new WardenError('ERATE', `too many file reads at once; try again: ${given}`);
    default:
      return new WardenError('EINTERNAL', `file operation failed: ${given}`);
  }
}

/** A Node-style error with a code, for conditions found by inspection rather than by a syscall. */
export function errno(code: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(code);
  e.code = code;
  return e;
}
