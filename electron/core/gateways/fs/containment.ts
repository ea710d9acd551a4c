/**
 * Separator-aware containment: is one absolute path the same as, or below, another? Compared by
 * segments, never as string prefixes (`/data-evil` is not inside `/data`). Both paths should be
 * canonical real paths; the comparison is lexical (`.`/`..` applied), and anything that is not a
 * plain absolute path (relative, NUL, UNC or `\\?\` on win32) is never inside anything.
 */

export interface SplitPath {
  /** `/` on POSIX; the upper-case drive (`C:`) on win32. */
  root: string;
  segments: string[];
}

/** The root and normalised segments of an absolute path, or undefined if it is not one. */
export function splitAbsolute(p: string, platform: NodeJS.Platform = process.platform): SplitPath | undefined {
  if (typeof p !== 'string' || p.length === 0 || p.includes('\0')) return undefined;
  let root: string;
  let rest: string;
  let sep: RegExp;
  if (platform === 'win32') {
    const m = /^([A-Za-z]):[\\/]/.exec(p);
    if (!m) return undefined; // relative, drive-relative, root-relative, UNC, \\?\, \\.\
    root = `${m[1]!.toUpperCase()}:`;
    rest = p.slice(2);
    sep = /[\\/]/;
  } else {
    if (!p.startsWith('/')) return undefined;
    root = '/';
    rest = p;
    sep = /\//;
  }
  const segments: string[] = [];
  for (const seg of rest.split(sep)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  return { root, segments };
}

/**
 * NTFS-style case folding: each UTF-16 unit upper-cased only when that gives one unit, so `ß`
 * stays `ß` and the Kelvin sign stays distinct from `K`. Errs towards "different", which can only
 * refuse, never widen a grant.
 */
function foldWin32(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const u = c.toUpperCase();
    out += u.length === 1 ? u : c;
  }
  return out;
}

/**
 * True if `candidate` is `root` or lies below it. Case-insensitive on win32 (NTFS default),
 * case-sensitive elsewhere (real paths carry the on-disk case).
 */
export function isInside(root: string, candidate: string, platform: NodeJS.Platform = process.platform): boolean {
  const r = splitAbsolute(root, platform);
  const c = splitAbsolute(candidate, platform);
  if (!r || !c) return false;
  if (r.root !== c.root || r.segments.length > c.segments.length) return false;
  const same = platform === 'win32' ? (a: string, b: string) => foldWin32(a) === foldWin32(b) : Object.is;
  return r.segments.every((seg, i) => same(seg, c.segments[i]!));
}
