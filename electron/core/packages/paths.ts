/**
 * Which names may appear in a package: relative, forward slashes, no `..`, nothing odd — and
 * nothing Windows would open as something else (the fs gateway's win32 rules: device names like
 * `CON.js` or `aux.txt`, trailing dots and spaces, 8.3 short names), on every platform, since a
 * package signed on one may be installed on another.
 */
import { windowsSegmentProblem } from '../gateways/fs/windows-names';
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
  for (const s of segments) {
    const problem = windowsSegmentProblem(s);
    if (problem) return problem;
  }
  return undefined;
}

/** The key two names collide under on a case-insensitive or normalising file system. */
export function foldedName(p: string): string {
  return p.normalize('NFC').toLowerCase();
}
