/**
 * Step 1 of every fs gateway call: turn the string an extension gave into a canonical absolute
 * path, purely lexically (no file system access, so nothing can be learnt before a permission
 * decision). `~` and `~/…` expand to the home folder; anything else must be absolute (a relative
 * path belongs to the data folder, so reaching here with one is the caller's bug); `.`/`..` are
 * applied; NUL bytes, lone surrogates and, with win32 semantics, device names, streams, short
 * names, trailing dots/spaces and UNC/device prefixes are refused with EINVAL.
 */
import path from 'node:path';
import { WardenError } from '../../../common/errors';
import { splitAbsolute } from './containment';
import { windowsPrefixProblem, windowsSegmentProblem } from './windows-names';

export interface CanonicalPath {
  /** Canonical absolute path: no `.`/`..`/empty segments, the platform's separator. */
  abs: string;
  /** `/` on POSIX, `C:` on win32. */
  root: string;
  /** Segments below the root. */
  segments: string[];
  /** True when the last segment given was `.` or `..` (refused as a name to create or remove). */
  endsInDots: boolean;
}

export interface CanonicalOptions {
  homeDir: string;
  platform: NodeJS.Platform;
}

export const pathFor = (platform: NodeJS.Platform): path.PlatformPath =>
  platform === 'win32' ? path.win32 : path.posix;

export function joinCanonical(root: string, segments: readonly string[], platform: NodeJS.Platform): string {
  return platform === 'win32' ? `${root}\\${segments.join('\\')}` : `/${segments.join('/')}`;
}

// A lone surrogate cannot be encoded: the name used would differ from the name checked.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const invalid = (message: string) => new WardenError('EINVAL', message);

export function canonicalisePath(given: unknown, options: CanonicalOptions): CanonicalPath {
  const { platform } = options;
  const win = platform === 'win32';
  if (typeof given !== 'string') throw invalid('the path must be a string');
  if (given.length === 0) throw invalid('the path is empty');
  if (given.includes('\0')) throw invalid('the path contains a NUL byte');
  if (LONE_SURROGATE.test(given)) throw invalid('the path is not well-formed Unicode');

  let base: string[];
  let root: string;
  let rest: string;
  if (given === '~' || given.startsWith('~/') || (win && given.startsWith('~\\'))) {
    // The home folder comes from the host and is trusted as it is (it may hold a short name).
    const home = splitAbsolute(options.homeDir, platform);
    if (!home) throw new WardenError('EINTERNAL', 'the home folder is not configured');
    root = home.root;
    base = home.segments;
    rest = given.slice(1);
  } else if (given.startsWith('~')) {
    throw invalid(`"~user" paths are not supported: ${given}`);
  } else if (win) {
    const problem = windowsPrefixProblem(given);
    if (problem) throw invalid(`${problem}: ${given}`);
    root = `${given[0]!.toUpperCase()}:`;
    base = [];
    rest = given.slice(2);
  } else {
    if (!given.startsWith('/')) throw invalid(`not an absolute path: ${given}`);
    root = '/';
    base = [];
    rest = given;
  }

  const raw = rest.split(win ? /[\\/]/ : /\//).filter((s) => s !== '');
  const segments = [...base];
  for (const seg of raw) {
    if (seg === '.') continue;
    if (seg === '..') {
      segments.pop(); // `..` at the root stays at the root, as the kernel does
      continue;
    }
    if (win) {
      const problem = windowsSegmentProblem(seg);
      if (problem) throw invalid(`${problem}: ${given}`);
    }
    segments.push(seg);
  }
  const last = raw[raw.length - 1];
  return {
    abs: joinCanonical(root, segments, platform),
    root,
    segments,
    endsInDots: last === '.' || last === '..',
  };
}
