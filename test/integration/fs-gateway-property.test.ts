/**
 * Property tests: generated paths (`..`, `.`, empty segments, links, case and Unicode variants)
 * against a real tree with a granted folder, a `<granted>-evil` sibling, symlinks out and in, and a
 * hardlink in. The broker allows exactly the paths isInside(granted). For every path:
 *   - whatever a read returned is a file whose real location is inside the grant (each file has
 *     unique contents; the hard-linked file counts as inside through its granted name);
 *   - whatever a listing returned is a folder inside the grant (each folder holds a marker entry);
 *   - a write, mkdir or remove changes nothing outside the grant;
 *   - every permission request names an absolute canonical real path;
 *   - and a granted regular file is readable (the checks do not refuse what they should allow).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createFsGateway } from '../../electron/core/gateways/fs/fs-gateway';
import { isInside } from '../../electron/core/gateways/fs/containment';
import { WardenError } from '../../electron/common/errors';
import type { PermissionRequest } from '../../electron/core/permissions/types';

const NUM_RUNS = Number(process.env.WARDEN_FC_RUNS ?? 150);
const READ_RUNS = NUM_RUNS * 4; // reads share one tree and are cheap
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const DIRS = [
  'granted',
  'granted/a',
  'granted/a/b',
  'granted/A',
  'granted-evil',
  'granted-evil/a',
  'outside',
  'outside/a',
];
const FILES = [
  'secret',
  'granted/a.txt',
  'granted/b.txt',
  'granted/Secret',
  'granted/\u00dcn\u00ef.txt', // NFC
  'granted/a/a.txt',
  'granted/a/b/b.txt',
  'granted/A/a.txt',
  'granted-evil/secret',
  'granted-evil/a.txt',
  'granted-evil/a/a.txt',
  'outside/secret',
  'outside/hard-target',
  'outside/a.txt',
  'outside/a/a.txt',
  'outside/U\u0308n\u0131\u0308.txt', // NFD look-alike
];
const LINKS: [string, string][] = [
  ['granted/link', '../outside'],
  ['granted/secret', '../outside/secret'],
  ['granted/inlink', 'a'],
  ['granted/filelink', 'a/a.txt'],
  ['granted/a/up', '..'],
  ['granted/a/evil', '../../granted-evil'],
  ['granted/dangling', '../outside/nothing'],
  ['granted/loop', 'loop'],
  ['granted-evil/link', '../granted'],
];

/** A fresh tree; contents and folder markers are unique, so a result names where it came from. */
function buildTree() {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'warden-fsprop-')));
  dirs.push(base);
  const at = (rel: string) => path.join(base, rel);
  for (const d of DIRS) {
    fs.mkdirSync(at(d), { recursive: true });
    fs.writeFileSync(at(`${d}/.dir-${d.replace(/\//g, '_')}`), '');
  }
  for (const f of FILES) fs.writeFileSync(at(f), `file:${f}`);
  for (const [link, target] of LINKS) fs.symlinkSync(target, at(link));
  fs.linkSync(at('outside/hard-target'), at('granted/hard'));
  const granted = at('granted');
  const requests: PermissionRequest[] = [];
  const gw = createFsGateway({
    homeDir: base,
    authorize: async (req) => {
      requests.push(req);
      return isInside(granted, req.target)
        ? { allow: true, via: 'grant' }
        : { allow: false, reason: 'denied', via: 'prompt' };
    },
  });
  return { base, at, granted, gw, requests };
}

interface Entry {
  kind: 'file' | 'dir' | 'link' | 'other';
  ino: number;
  content?: string;
  link?: string;
}

/** Every name under `root`, by lstat (links are recorded, never followed). */
function snapshot(root: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      const s = fs.lstatSync(p);
      if (s.isSymbolicLink()) out.set(p, { kind: 'link', ino: s.ino, link: fs.readlinkSync(p) });
      else if (s.isDirectory()) {
        out.set(p, { kind: 'dir', ino: s.ino });
        walk(p);
      } else if (s.isFile()) out.set(p, { kind: 'file', ino: s.ino, content: fs.readFileSync(p, 'latin1') });
      else out.set(p, { kind: 'other', ino: s.ino });
    }
  };
  walk(root);
  return out;
}

/** Inodes with at least one name inside the grant (a hardlink's other names share its grant). */
function grantedInodes(snap: Map<string, Entry>, granted: string): Set<number> {
  return new Set([...snap].filter(([p, e]) => e.kind === 'file' && isInside(granted, p)).map(([, e]) => e.ino));
}

/** Segments that lead somewhere interesting (links, traversal, the evil sibling) come up most. */
const keySegment = fc.constantFrom('..', 'link', 'secret', 'inlink', 'filelink', 'up', 'evil', 'a', 'a.txt', 'hard');
const anySegment = fc.constantFrom(
  'a',
  'b',
  'A',
  '..',
  '.',
  '',
  'link',
  'secret',
  'Secret',
  'SECRET',
  'inlink',
  'filelink',
  'up',
  'evil',
  'dangling',
  'loop',
  'hard',
  'hard-target',
  'a.txt',
  'b.txt',
  'granted',
  'Granted',
  'granted-evil',
  'outside',
  '\u00dcn\u00ef.txt',
  'U\u0308n\u0131\u0308.txt',
  '\u00fcn\u00ef.txt',
  'nothing',
);
const segment = fc.oneof({ arbitrary: keySegment, weight: 2 }, { arbitrary: anySegment, weight: 3 });
const prefix = fc.oneof(
  { arbitrary: fc.constant('~/granted'), weight: 4 },
  { arbitrary: fc.constantFrom('~', '~/granted-evil', '~/outside', '<base>', '<base>/granted'), weight: 3 },
);
const genPath = fc
  .tuple(prefix, fc.array(segment, { maxLength: 5 }), fc.boolean())
  .map(([pre, segs, trailing]) => `${pre}/${segs.join('/')}${trailing ? '/' : ''}`);

const resolveGiven = (p: string, base: string) => (p.startsWith('~') ? base + p.slice(1) : p.replace('<base>', base));

/** A message may name the path as given, and nothing else of the host's. */
const leaks = (err: WardenError, given: string, base: string) => err.message.split(given).join('').includes(base);

async function outcome<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; err: WardenError }> {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    expect(err).toBeInstanceOf(WardenError);
    return { ok: false, err: err as WardenError };
  }
}

/** The real path the kernel would reach for a lexically normalised path, or undefined. */
function kernelReal(abs: string): string | undefined {
  try {
    return fs.realpathSync(path.resolve(abs));
  } catch {
    return undefined;
  }
}

describe('fs gateway properties', () => {
  it('reads, lists and stats only what lies inside the grant', async () => {
    const { base, granted, gw, requests, at } = buildTree();
    const before = snapshot(base);
    const byContent = new Map<string, string[]>();
    for (const [p, e] of before)
      if (e.kind === 'file') byContent.set(e.content!, [...(byContent.get(e.content!) ?? []), p]);
    const inside = grantedInodes(before, granted);

    await fc.assert(
      fc.asyncProperty(genPath, async (given) => {
        const p = given.replace('<base>', base);
        requests.length = 0;
        const expected = kernelReal(resolveGiven(given, base));

        const read = await outcome(gw.readBytes(p));
        if (read.ok) {
          const text = new TextDecoder('latin1').decode(read.value);
          const names = byContent.get(text);
          expect(names, `${given} returned unknown contents`).toBeDefined();
          const ino = before.get(names![0]!)!.ino;
          expect(inside.has(ino), `${given} read ${names!.join(', ')}`).toBe(true);
          expect(expected && isInside(granted, expected)).toBe(true);
        } else {
          expect(leaks(read.err, p, base)).toBe(false);
          if (read.err.code === 'EPERM' && read.err.reason === 'denied') {
            // A refusal never hides a granted, existing, regular file.
            const real = expected;
            if (real && isInside(granted, real) && fs.lstatSync(real).isFile())
              expect.fail(`${given} refused though it is the granted file ${real}`);
          }
        }
        if (expected && isInside(granted, expected) && fs.statSync(expected).isFile()) expect(read.ok).toBe(true);

        const list = await outcome(gw.list(p));
        if (list.ok) {
          const marker = list.value.find((e) => e.name.startsWith('.dir-'));
          expect(marker, `${given} listed a folder without a marker`).toBeDefined();
          const dir = at(marker!.name.slice(5).replace(/_/g, '/'));
          expect(isInside(granted, dir), `${given} listed ${dir}`).toBe(true);
        } else expect(leaks(list.err, p, base)).toBe(false);

        const st = await outcome(gw.stat(p));
        if (st.ok) expect(expected && isInside(granted, expected), `${given} stat'ed ${expected}`).toBe(true);

        for (const r of requests) {
          expect(path.isAbsolute(r.target)).toBe(true);
          expect(path.normalize(r.target)).toBe(r.target);
          if (fs.existsSync(r.target)) expect(fs.realpathSync(r.target)).toBe(r.target);
        }
      }),
      { numRuns: READ_RUNS },
    );
    expect(snapshot(base)).toEqual(before);
  });

  it('writes, makes and removes nothing outside the grant', async () => {
    let counter = 0;
    const op = fc.constantFrom('write', 'write-new', 'mkdir', 'mkdir-p', 'remove', 'remove-r');
    await fc.assert(
      fc.asyncProperty(genPath, op, async (given, kind) => {
        const { base, granted, gw } = buildTree();
        const before = snapshot(base);
        const inside = grantedInodes(before, granted);
        const p = given.replace('<base>', base);
        const marker = `written-${++counter}`;
        const target = kind === 'write-new' ? `${p.replace(/\/+$/, '')}/new-${counter}` : p;
        const res = await outcome(
          kind.startsWith('write')
            ? gw.writeBytes(target, new TextEncoder().encode(marker))
            : kind === 'mkdir'
              ? gw.mkdir(target)
              : kind === 'mkdir-p'
                ? gw.mkdir(`${target}/x/y`, { recursive: true })
                : gw.remove(target, { recursive: kind === 'remove-r' }),
        );
        if (!res.ok) expect(leaks(res.err, target, base)).toBe(false);

        const after = snapshot(base);
        // Outside the grant: the same names, kinds and links; contents change only through a
        // file that also has a name inside the grant (the hardlink).
        const outside = (snap: Map<string, Entry>) =>
          [...snap]
            .filter(([q]) => !isInside(granted, q))
            .map(([q, e]) => [q, { ...e, content: inside.has(e.ino) ? '' : e.content }]);
        expect(outside(after), `${kind} ${given}`).toEqual(outside(before));
        for (const [q, e] of after) {
          if (e.content === marker)
            expect(isInside(granted, q) || inside.has(e.ino), `${kind} ${given} → ${q}`).toBe(true);
        }
        if (!res.ok) {
          for (const [, e] of after) expect(e.content).not.toBe(marker);
        }
        fs.rmSync(base, { recursive: true, force: true });
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
