// The SES censorship-evading rewrite (electron/core/bundle/source-transform.ts) on real library bundles:
// it must change nothing a program can observe (checked node by node against the original's
// syntax tree), and the host must apply it at load time to bundles that were not built by
// `warden build`, caching the result by the source's SHA-256 under the data folder.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse, type Node } from 'acorn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/sandbox';
import { bundleOptions } from '../../extensions/sdk/cli/build';
import { evadeCensorship, isCensored, TRANSFORM_VERSION } from '../../electron/core/bundle/source-transform';
import { KNOWN, KNOWN_FAILURES, SANDBOX_DIFFERS } from './known-answers';

const FIXTURES = path.join(__dirname, 'extensions');
const LIBRARIES = Object.keys(KNOWN).sort();

/** Each fixture bundled exactly as `warden build` does, before the rewrite. */
const raw = new Map<string, string>();
let parent: string;
let dataDir: string;

beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  parent = tempDir('warden-raw-');
  dataDir = tempDir('warden-raw-data-');
  await Promise.all(
    LIBRARIES.map(async (lib) => {
      const dir = path.join(FIXTURES, lib);
      const result = await esbuild.build({
        ...bundleOptions(dir),
        entryPoints: [path.join(dir, 'src', 'extension.js')],
        outfile: path.join(dir, 'dist', 'extension.js'),
        write: false,
      });
      raw.set(lib, result.outputFiles[0]!.text);
    }),
  );
});
afterAll(() => {
  fs.rmSync(parent, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

type AnyNode = Node & Record<string, unknown>;
const isNode = (v: unknown): v is AnyNode =>
  typeof v === 'object' && v !== null && typeof (v as AnyNode).type === 'string';

/**
 * Walks two syntax trees in step and returns the first difference a program could observe.
 * Positions and raw spellings may differ; values may not. A regex literal must be the same
 * literal or have become `new (/(?:)/.constructor)(pattern, flags)` with exactly its pattern
 * text and flags.
 */
function firstDifference(original: string, transformed: string): string | undefined {
  const opts = { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true } as const;
  const stack: Array<[unknown, unknown, string]> = [[parse(original, opts), parse(transformed, opts), 'Program']];
  while (stack.length > 0) {
    const [a, b, where] = stack.pop()!;
    if (isNode(a) && a.type === 'Literal' && a.regex) {
      const { pattern, flags } = a.regex as { pattern: string; flags: string };
      const n = b as AnyNode;
      const kept = n.regex as { pattern: string; flags: string } | undefined;
      if (kept && kept.pattern === pattern && kept.flags === flags) continue;
      const callee = isNode(n) && n.type === 'NewExpression' ? (n.callee as AnyNode) : undefined;
      const args = (n.arguments ?? []) as AnyNode[];
      const ok =
        callee?.type === 'MemberExpression' &&
        (callee.object as AnyNode).type === 'Literal' &&
        ((callee.object as AnyNode).regex as { pattern: string }).pattern === '(?:)' &&
        (callee.property as AnyNode).name === 'constructor' &&
        args.length === 2 &&
        args[0]!.value === pattern &&
        args[1]!.value === flags;
      if (!ok) return `${where}: regex /${pattern}/${flags}`;
      continue;
    }
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || b.length !== a.length) return `${where}: length`;
      a.forEach((v, i) => stack.push([v, b[i], `${where}[${i}]`]));
      continue;
    }
    if (typeof a !== 'object' || a === null) {
      if (!Object.is(a, b)) return `${where}: ${String(a)} !== ${String(b)}`;
      continue;
    }
    if (typeof b !== 'object' || b === null) return `${where}: not a node`;
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    for (const key of Object.keys(ao)) {
      if (key === 'start' || key === 'end' || key === 'raw' || key === 'loc') continue;
      if (ao.type === 'TemplateElement' && key === 'value') {
        const [ca, cb] = [ao.value, bo.value].map((v) => (v as { cooked: unknown }).cooked);
        if (ca !== cb) return `${where}: template ${String(ca)} !== ${String(cb)}`;
        continue;
      }
      if (ao.type === 'Literal' && ao.regex) continue;
      stack.push([ao[key], bo[key], `${where}.${key}`]);
    }
  }
  return undefined;
}

describe('the rewrite on real bundles', () => {
  it.each(LIBRARIES)('%s: same program, nothing left for SES to reject, same lines', (lib) => {
    const source = raw.get(lib)!;
    const result = evadeCensorship(source);
    expect(result.parsed).toBe(true);
    expect(result.unsupported).toEqual([]);
    expect(isCensored(result.code)).toBe(false);
    expect(result.code.split('\n').length).toBe(source.split('\n').length);
    expect(firstDifference(source, result.code)).toBeUndefined();
    // Idempotent: a built bundle passes through the host untouched.
    expect(evadeCensorship(result.code).changed).toBe(false);
  });

  it('is needed: at least 8 of these libraries are rejected by SES as bundled', () => {
    const censored = LIBRARIES.filter((lib) => isCensored(raw.get(lib)!));
    expect(censored).toEqual([
      'fast-xml-parser',
      'htmlparser2',
      'markdown-it',
      'marked',
      'mathjs',
      'qs',
      'sanitize-html',
      'zod',
    ]);
  });
});

function writeRawExtension(lib: string): string {
  const dir = path.join(parent, lib);
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, lib, 'manifest.json'), path.join(dir, 'manifest.json'));
  fs.writeFileSync(path.join(dir, 'dist', 'extension.js'), raw.get(lib)!);
  return dir;
}

const cacheFile = (source: string) =>
  path.join(
    dataDir,
    'cache',
    'bundles',
    `${crypto.createHash('sha256').update(`v${TRANSFORM_VERSION}\0`).update(source).digest('hex')}.js`,
  );

describe('bundles not built by warden build, rewritten by the host at load', () => {
  const censored = ['fast-xml-parser', 'htmlparser2', 'markdown-it', 'marked', 'qs', 'sanitize-html', 'zod'];

  it.each(censored)('%s runs, and its rewrite is cached by SHA-256', async (lib) => {
    const dir = writeRawExtension(lib);
    const r = await runCli(['run', dir, 'run', '--json', '--data-dir', dataDir]);
    const out = JSON.parse(r.stdout) as { ok: boolean; result?: { value: unknown }; error?: unknown };
    expect(out.error).toBeUndefined();
    expect(out.result?.value).toEqual({ ...(KNOWN[lib] as object), ...SANDBOX_DIFFERS[lib] });
    expect(fs.readFileSync(cacheFile(raw.get(lib)!), 'utf8')).toBe(evadeCensorship(raw.get(lib)!).code);
    expect(KNOWN_FAILURES[lib]).toBeUndefined();
  });

  it('a later activation runs the cached rewrite without transforming again', async () => {
    const dir = writeRawExtension('marked');
    const file = cacheFile(raw.get('marked')!);
    if (!fs.existsSync(file)) await runCli(['run', dir, 'run', '--json', '--data-dir', dataDir]);
    // Mark the cached copy: what runs now must be it, not a fresh rewrite of the file.
    fs.appendFileSync(file, `\nexports.activate = () => host.commands.register('run', () => 'from the cache');\n`);
    const r = await runCli(['run', dir, 'run', '--json', '--data-dir', dataDir]);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, result: { type: 'text', text: 'from the cache' } });
  });

  it('a bundle SES accepts as it is is sent unchanged and not cached', async () => {
    const dir = writeRawExtension('dayjs');
    expect(isCensored(raw.get('dayjs')!)).toBe(false);
    const r = await runCli(['run', dir, 'run', '--json', '--data-dir', dataDir]);
    expect(JSON.parse(r.stdout).ok).toBe(true);
    expect(fs.existsSync(cacheFile(raw.get('dayjs')!))).toBe(false);
  });
});
