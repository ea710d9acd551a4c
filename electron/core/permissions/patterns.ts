/**
 * Matching of permission patterns (manifest ceilings, policy rules, grant scopes) against
 * canonical targets. fs targets are absolute real paths; net targets are normalised URLs.
 *
 * Globs are matched segment by segment: `*` never crosses a separator and `**` spans whole
 * segments, so `/data/**` can never match `/data-evil/x` (no string-prefix comparisons).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Capability } from '../../common/protocol';
import { compileNetPattern, matchNetPattern, type NetPattern } from '../gateways/net/url-policy';

const GLOB_CHARS = /[*?]/;

/** Expands `~` and `~/…` against the home folder; other paths are returned resolved. */
export function expandHome(p: string, home: string = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return path.resolve(p);
}

const segmentCache = new Map<string, RegExp>();

function segmentRegExp(seg: string): RegExp {
  const cached = segmentCache.get(seg);
  if (cached) return cached;
  let re = '';
  for (const c of seg) {
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const compiled = new RegExp(`^${re}$`, 'u');
  if (segmentCache.size > 10_000) segmentCache.clear();
  segmentCache.set(seg, compiled);
  return compiled;
}

/** Matches path segments against glob segments (`**` = any number of segments, even none). */
function matchSegments(glob: string[], target: string[], gi = 0, ti = 0): boolean {
  for (; gi < glob.length; gi++, ti++) {
    const g = glob[gi]!;
    if (g === '**') {
      if (gi === glob.length - 1) return true;
      for (let k = ti; k <= target.length; k++) if (matchSegments(glob, target, gi + 1, k)) return true;
      return false;
    }
    if (ti >= target.length) return false;
    // Literal segments (the usual case) compare as strings; only globs need a regular expression.
    if (GLOB_CHARS.test(g) ? !segmentRegExp(g).test(target[ti]!) : g !== target[ti]) return false;
  }
  return ti === target.length;
}

const realCache = new Map<string, string>();
/** Goes up when realCache is emptied, so what was prepared before must be prepared again. */
let cacheGeneration = 0;
export const patternCacheGeneration = (): number => cacheGeneration;

/** An absolute pattern's literal leading folders (`/home/u/Documents` of `/home/u/Documents/**`). */
function literalOf(segs: string[]): { literal: string; firstGlob: number } {
  const firstGlob = segs.findIndex((s) => GLOB_CHARS.test(s));
  return { literal: (firstGlob < 0 ? segs : segs.slice(0, firstGlob)).join('/') || '/', firstGlob };
}

/**
 * Resolves the literal folders of these fs patterns asynchronously into the cache realPattern
 * reads, so matching them while deciding a request never blocks the host's loop on the disk. The
 * broker calls it before each fs decision (broker.ts `prepare`) with every pattern the decision
 * may match: declared, policy and stored scopes.
 */
export async function resolvePatternFolders(patterns: Iterable<string>, home: string = os.homedir()): Promise<void> {
  for (const pattern of patterns) {
    const { literal } = literalOf(expandHome(pattern, home).split('/'));
    if (realCache.has(literal)) continue;
    const real = await fsp.realpath(literal).catch(() => literal);
    if (realCache.size > 10_000) {
      realCache.clear();
      cacheGeneration++;
    }
    realCache.set(literal, real);
  }
}

/**
 * The pattern with its literal leading folders replaced by their real path, so a declared
 * `~/Documents/**` still matches when ~/Documents is a symlink to elsewhere (targets are real).
 */
function realPattern(abs: string): string {
  const segs = abs.split('/');
  const { literal, firstGlob } = literalOf(segs);
  let real = realCache.get(literal);
  if (real === undefined) {
    // Only for a pattern nobody prepared (resolvePatternFolders): the bundle gate's static
    // checks, or a cache just cleared. Request paths prepare first and never get here.
    try {
      real = fs.realpathSync(literal);
    } catch {
      real = literal;
    }
    realCache.set(literal, real);
  }
  return firstGlob < 0 ? real : path.posix.join(real, ...segs.slice(firstGlob));
}

/** Path segments of an absolute path. */
export function splitPath(p: string): string[] {
  return p.split('/').filter(Boolean);
}

const compiledFs = new Map<string, string[]>();

/**
 * An fs pattern as glob segments, with `~` expanded and its literal leading folders replaced by
 * their real path; compiled once per pattern (decisions must stay cheap with many grants).
 */
export function compileFsPattern(pattern: string, home: string = os.homedir()): string[] {
  const key = `${home}\u0000${pattern}`;
  let segs = compiledFs.get(key);
  if (!segs) {
    segs = splitPath(realPattern(expandHome(pattern, home)));
    if (compiledFs.size > 10_000) compiledFs.clear();
    compiledFs.set(key, segs);
  }
  return segs;
}

/** The literal folders a compiled pattern starts with (`/home/u/Documents` for `~/Documents/**`). */
export function literalPrefix(globSegs: string[]): string {
  const firstGlob = globSegs.findIndex((s) => GLOB_CHARS.test(s));
  return `/${(firstGlob < 0 ? globSegs : globSegs.slice(0, firstGlob)).join('/')}`;
}

export function matchCompiledFs(globSegs: string[], targetSegs: string[]): boolean {
  return matchSegments(globSegs, targetSegs);
}

/** Whether an absolute real path matches an fs pattern (`~/x/**`, `/abs/*.txt`, `/exact`). */
export function matchFsPattern(pattern: string, target: string, home?: string): boolean {
  return matchSegments(compileFsPattern(pattern, home), splitPath(target));
}

const netPatternCache = new Map<string, NetPattern | null>();

/** Whether a normalised URL matches a manifest net pattern (see gateways/net/url-policy.ts). */
export function matchNetPatternText(pattern: string, url: URL): boolean {
  let compiled = netPatternCache.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = compileNetPattern(pattern);
    } catch {
      compiled = null; // not a pattern: matches nothing
    }
    if (netPatternCache.size > 10_000) netPatternCache.clear();
    netPatternCache.set(pattern, compiled);
  }
  return compiled !== null && matchNetPattern(compiled, url);
}

/** Whether a target matches a pattern in the syntax of the given capability. */
export function targetMatches(capability: Capability, pattern: string, target: string, home?: string): boolean {
  switch (capability) {
    case 'fs.read':
    case 'fs.write':
      return matchFsPattern(pattern, target, home);
    case 'net':
      try {
        return matchNetPatternText(pattern, new URL(target));
      } catch {
        return false;
      }
    case 'secrets':
    case 'notifications':
      return pattern === target || pattern === '*';
  }
}
