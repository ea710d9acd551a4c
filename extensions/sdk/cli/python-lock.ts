/**
 * `requirements.lock`: a Python extension's third-party packages, in pip's hash-checking
 * requirements format (what `pip-compile --generate-hashes` and `uv pip compile --generate-hashes`
 * write): one exact pin `name==version` per package, each with one or more
 * `--hash=sha256:<hex>`; comments, blank lines and `\` continuations as pip reads them. Every
 * package, dependencies included, must be listed: Warden installs exactly this set and resolves
 * nothing. Anything pip would fetch or build (ranges, URLs, `-e`, `-r`, markers, extras) is refused.
 */
import { normalizeName } from '../../../electron/common/python-wheel';

export const LOCK_FILE = 'requirements.lock';

export interface LockedPackage {
  name: string;
  version: string;
  /** The accepted SHA-256 digests (pip accepts a wheel matching any of them). */
  sha256: string[];
  line: number;
}

/** Index options that only tell pip where to look: harmless here, since Warden fetches nothing. */
const IGNORED_OPTIONS = new Set([
  '--index-url',
  '-i',
  '--extra-index-url',
  '--find-links',
  '-f',
  '--no-index',
  '--trusted-host',
  '--only-binary',
  '--prefer-binary',
]);
const PIN = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)==([A-Za-z0-9][A-Za-z0-9.+!_-]*)$/;

export class LockError extends Error {}

/** Parses the lock's text; throws a LockError naming the line. */
export function parseLock(text: string): LockedPackage[] {
  // Logical lines: a trailing backslash joins the next line (pip's rule), comments dropped.
  const logical: Array<{ text: string; line: number }> = [];
  let pending: { text: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const uncommented = /^\s*#/.test(raw) ? '' : raw.replace(/\s+#.*$/, '');
    const cont = /\\\s*$/.test(uncommented);
    const part = uncommented.replace(/\\\s*$/, '');
    pending = pending ? { text: `${pending.text} ${part}`, line: pending.line } : { text: part, line: i + 1 };
    if (!cont) {
      logical.push(pending);
      pending = undefined;
    }
  });
  if (pending) logical.push(pending);
  const out: LockedPackage[] = [];
  const seen = new Map<string, number>();
  for (const { text: l, line } of logical) {
    const tokens = l.trim().split(/\s+/).filter(Boolean);
    if (tokens.length === 0) continue;
    const where = `${LOCK_FILE}:${line}`;
    const first = tokens[0]!;
    if (first.startsWith('-')) {
      const opt = first.split('=')[0]!;
      if (IGNORED_OPTIONS.has(opt)) continue;
      throw new LockError(
        `${where}: the pip option ${opt} is not supported (Warden installs exactly the pinned wheels from a local folder)`,
      );
    }
    const pin = PIN.exec(first);
    if (!pin)
      throw new LockError(
        `${where}: "${first.slice(0, 80)}" is not an exact pin name==version (no ranges, extras, URLs or markers)`,
      );
    const sha256: string[] = [];
    for (let i = 1; i < tokens.length; i++) {
      let t = tokens[i]!;
      if (t === '--hash' && i + 1 < tokens.length) t = `--hash=${tokens[++i]}`;
      const h = /^--hash=([a-z0-9]+):(.*)$/.exec(t);
      if (!h) throw new LockError(`${where}: unexpected "${t.slice(0, 80)}" after ${first}`);
      if (h[1] !== 'sha256') throw new LockError(`${where}: ${h[1]} hashes are not supported; use --hash=sha256:…`);
      if (!/^[0-9a-f]{64}$/.test(h[2]!))
        throw new LockError(`${where}: "${h[2]!.slice(0, 80)}" is not a SHA-256 hex digest`);
      sha256.push(h[2]!);
    }
    if (sha256.length === 0)
      throw new LockError(`${where}: ${first} has no --hash=sha256:… (every package must be pinned by hash)`);
    const key = normalizeName(pin[1]!);
    if (seen.has(key)) throw new LockError(`${where}: ${pin[1]} is already pinned on line ${seen.get(key)}`);
    seen.set(key, line);
    out.push({ name: pin[1]!, version: pin[2]!, sha256, line });
  }
  return out;
}
