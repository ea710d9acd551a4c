/**
 * Win32 path-name traps (security notes §4): names that stay "inside" a folder lexically but that
 * Windows opens as something else. Applied to every segment an extension supplies when the gateway
 * runs with win32 semantics; a match is refused (EINVAL), never rewritten.
 */

/** Device names Win32 opens whatever the folder (`C:\docs\NUL.txt` is the null device). */
const DEVICE_NAMES = new Set([
  'CON',
  'PRN',
  'AUX',
  'NUL',
  'CONIN$',
  'CONOUT$',
  'CLOCK$',
  ...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '\u00b9', '\u00b2', '\u00b3'].flatMap((d) => [
    `COM${d}`,
    `LPT${d}`,
  ]),
]);

/**
 * True for a segment Win32 treats as a device: the part before the first `.` or `:`, with trailing
 * spaces and dots removed, compared case-insensitively (`con`, `AUX.json`, `COM1 `, `LPT¹.txt`).
 * Leading spaces are trimmed too, which only refuses more.
 */
export function isWindowsDeviceName(segment: string): boolean {
  const stem = segment
    .split(/[.:]/, 1)[0]!
    .replace(/[ .]+$/, '')
    .trim();
  return DEVICE_NAMES.has(stem.toUpperCase());
}

/**
 * True for a segment shaped like an 8.3 short name (`PROGRA~1`, `SECRET~1.JSO`, `AB12C~1F`): a
 * base of at most 8 characters holding `~` and a digit, and at most one extension of 1-3
 * characters. Such a name may alias a long name that a check never saw. Longer names with a `~`
 * (`report~2024-final.txt`) cannot be short names and pass.
 */
export function isWindowsShortName(segment: string): boolean {
  const m = /^([^.]{1,8})(?:\.([^.]{1,3}))?$/.exec(segment);
  return m !== null && /~[0-9]/.test(m[1]!);
}

/** Characters Win32 refuses in a name or treats as wildcards, plus control characters. */
// eslint-disable-next-line no-control-regex
const INVALID_CHARS = /[<>"|?*\u0000-\u001f]/;

/** Why one supplied segment (not `.`/`..`/empty) is refused under win32 semantics, or undefined. */
export function windowsSegmentProblem(segment: string): string | undefined {
  if (segment.includes(':')) return 'alternate data streams and drive letters inside a path are not allowed';
  if (INVALID_CHARS.test(segment)) return 'the path contains a character Windows does not allow in names';
  if (/[. ]$/.test(segment)) return 'names ending in a dot or a space are not allowed';
  if (isWindowsDeviceName(segment)) return 'Windows device names (CON, NUL, COM1, …) are not allowed';
  if (isWindowsShortName(segment)) return '8.3 short names (like PROGRA~1) are not allowed: use the long name';
  return undefined;
}

/**
 * Why the start of a path is refused under win32 semantics, or undefined for a plain
 * drive-absolute path (`C:\…` or `C:/…`). Refuses UNC (`\\server\share`), device and verbatim
 * prefixes (`\\.\`, `\\?\`, also spelt with `/`), root-relative (`\x`) and drive-relative (`C:x`).
 */
export function windowsPrefixProblem(p: string): string | undefined {
  if (/^[\\/]{2}/.test(p)) return 'UNC and device paths (\\\\server\\share, \\\\?\\, \\\\.\\) are not allowed';
  if (/^[\\/]/.test(p)) return 'an absolute path needs a drive letter (C:\\…)';
  if (/^[A-Za-z]:[\\/]/.test(p)) return undefined;
  if (/^[A-Za-z]:/.test(p)) return 'drive-relative paths (C:name) are not allowed';
  return 'not an absolute path';
}
