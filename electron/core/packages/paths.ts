/** Which names may appear in a package: relative, forward slashes, no `..`, nothing odd. */
import { CONTROL_OR_BIDI } from '../../common/plain-text';
import { MAX_PATH_LENGTH } from './format';

/** Why `p` is not an acceptable file name inside a package, or undefined if it is. */
export function pathProblem(p: string): string | undefined {
  if (p.length === 0) return 'empty name';
  if (p.length > MAX_PATH_LENGTH) return `name longer than ${MAX_PATH_LENGTH} characters`;
  if (CONTROL_OR_BIDI.test(p)) return 'control character in name';
  if (p.startsWith('/') || p.startsWith('\\')) return 'absolute path';
  if (/^[A-Za-z]:/.test(p)) return 'drive-letter path';
  if (p.includes('\\')) return 'backslash in name';
  const segments = p.split('/');
  if (segments.some((s) => s === '..')) return '".." in path';
  if (segments.some((s) => s === '.' || s === '')) return 'empty or "." segment';
  if (segments.some((s) => /[<>:"|?*]/.test(s) || /[. ]$/.test(s))) return 'character not allowed in a file name';
  return undefined;
}

/** The key two names collide under on a case-insensitive or normalising file system. */
export function foldedName(p: string): string {
  return p.normalize('NFC').toLowerCase();
}
