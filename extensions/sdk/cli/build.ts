/**
 * `warden build <dir>`: bundles the extension's source into one CommonJS file at the manifest's
 * `main`, the shape the sandbox evaluates. Dependencies from npm are bundled in; Node built-ins
 * are not available in the sandbox and fail the build with a clear message. The bundle then goes
 * through the SES censorship-evading rewrite (electron/core/bundle/source-transform.ts), so libraries
 * that merely mention `<!--`, `-->` or `import(` in strings, regexes and comments load as they are;
 * what the sandbox truly cannot run (a dynamic `import()`, a direct `eval(...)`) fails the build
 * here, naming the source file and line it came from (through the source map written beside
 * the bundle, `<main>.map`).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseManifest } from '../../../electron/common/manifest';
import { evadeCensorship, isCensored } from '../../../electron/core';
import { vendorPythonRuntime } from './python-runtime-vendor';
import {
  createPositionMapper,
  mapLocation,
  SourceMapFileSchema,
  toSourceMapData,
  type PositionMapper,
} from '../../../electron/common/source-map';
import { CliError, EXIT_FAILED, EXIT_OK } from './usage';
import { BUILD_OPTIONS } from './command-options';
import type { CliContext } from './context';
import { writeSbom, type MetafileOutputs, type SbomBuildResult } from './sbom-build';
import { buildPythonPackages } from './python-build';

const ENTRY_CANDIDATES = ['src/extension.ts', 'src/extension.js', 'src/extension.mjs', 'src/index.ts', 'src/index.js'];

/**
 * How an extension is bundled (exported for tests that need the bundle before the rewrite).
 * Paths in the bundle's module comments are relative to the extension folder, whatever the cwd.
 */
export function bundleOptions(dir: string) {
  return {
    absWorkingDir: dir,
    bundle: true,
    format: 'cjs',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    legalComments: 'inline',
    charset: 'utf8',
  } as const;
}

export async function buildExtension(
  dir: string,
  entry?: string,
  options: { wheelsDir?: string } = {},
): Promise<{ outFile: string; warnings: string[]; sbom?: SbomBuildResult }> {
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8'));
  } catch {
    throw new CliError(`no readable manifest.json in ${dir}`);
  }
  const parsed = parseManifest(manifestJson);
  if (!parsed.ok)
    throw new CliError(`invalid extension: manifest.json: ${parsed.errors[0]}`, 2, parsed.errors.slice(1));
  // A Python extension is its .py files: nothing to bundle (`warden pack` signs them all), but
  // the wheels requirements.lock pins are checked and vendored, with their bill of materials, and
  // the Python runtime is vendored into python_runtime/ (python-runtime-vendor.ts), which adds
  // itself to that bill of materials (so it runs second).
  if (parsed.manifest.runtime === 'python') {
    const sbom = await buildPythonPackages(dir, parsed.manifest, options.wheelsDir);
    vendorPythonRuntime(dir);
    return { outFile: path.join(dir, ...parsed.manifest.main.split('/')), warnings: [], sbom };
  }
  let entryPath: string | undefined;
  for (const candidate of entry ? [entry] : ENTRY_CANDIDATES) {
    const p = path.resolve(dir, candidate);
    if (
      await fs.stat(p).then(
        (s) => s.isFile(),
        () => false,
      )
    ) {
      entryPath = p;
      break;
    }
  }
  if (!entryPath) throw new CliError(`no entry file: expected ${entry ?? ENTRY_CANDIDATES.join(' or ')} in ${dir}`);
  const outFile = path.join(dir, ...parsed.manifest.main.split('/'));
  // esbuild is loaded lazily: `warden run` must not pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  let code: string;
  let mapText: string;
  let warnings: string[];
  let metafile: MetafileOutputs;
  try {
    const result = await esbuild.build({
      ...bundleOptions(dir),
      entryPoints: [entryPath],
      outfile: outFile,
      write: false,
      // `<main>.map` beside the bundle: the sandbox names the author's files and lines in errors,
      // stacks and console lines through it. Sources' text stays out of the shipped package.
      sourcemap: 'linked',
      sourcesContent: false,
      // What went into the bundle, per input file: the SBOM is made from it (sbom-build.ts).
      metafile: true,
    });
    const js = result.outputFiles.find((f) => !f.path.endsWith('.map'))!;
    code = js.text;
    mapText = result.outputFiles.find((f) => f.path.endsWith('.map'))?.text ?? '';
    warnings = result.warnings.map((w) => w.text);
    metafile = result.metafile;
  } catch (err) {
    const errors =
      (err as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } }> }).errors ??
      [];
    const lines = errors.map((e) =>
      e.location ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}` : e.text,
    );
    throw new CliError(`build failed: ${lines[0] ?? 'esbuild error'}`, EXIT_FAILED, lines.slice(1));
  }
  // SES rejects whole bundles for text that only looks like `<!--`, `-->`, `import(` or `eval(`;
  // rewrite those spellings now (meaning-preserving, see source-transform.ts) so the host does
  // not have to at every load.
  if (isCensored(code)) {
    const evaded = evadeCensorship(code);
    if (evaded.unsupported.length > 0) {
      const mapper = mapperOf(mapText, parsed.manifest.main);
      const lines = evaded.unsupported.map((u) => {
        const where = mapLocation(mapper, parsed.manifest.main, u.line, u.column);
        const module = where.startsWith(`${parsed.manifest.main}:`) ? moduleAt(code, u.line) : undefined;
        return `${where}: ${u.what} cannot run in the Warden sandbox${module ? ` (in ${module})` : ''}`;
      });
      throw new CliError(`build failed: ${lines[0]}`, EXIT_FAILED, lines.slice(1));
    }
    code = evaded.code;
  }
  await fs.mkdir(path.dirname(outFile), { recursive: true });
  await fs.writeFile(outFile, code);
  // The rewrite above keeps every line and, in comments, every column; in strings and regexes a
  // rewritten look-alike shifts later columns of its own line by a few characters at most.
  if (mapText) await fs.writeFile(`${outFile}.map`, mapText);
  else await fs.rm(`${outFile}.map`, { force: true });
  const sbom = writeSbom({ dir, outFile, metafile, bundle: Buffer.from(code, 'utf8'), manifest: parsed.manifest });
  return { outFile, warnings, sbom };
}

function mapperOf(mapText: string, mainRel: string): PositionMapper | undefined {
  const file = SourceMapFileSchema.safeParse(mapText ? JSON.parse(mapText) : undefined);
  return file.success ? createPositionMapper(toSourceMapData(file.data, mainRel)) : undefined;
}

/** The module a bundle line came from: esbuild heads each one with a `// path/to/file.js` line. */
function moduleAt(code: string, line: number): string | undefined {
  const lines = code.split('\n', line);
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^\s*\/\/ (\S+\.[cm]?[jt]sx?)$/.exec(lines[i]!);
    if (m) return m[1];
  }
  return undefined;
}

export async function buildCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: BUILD_OPTIONS,
  });
  if (positionals.length !== 1) throw new CliError('build takes <extension-dir>');
  const dir = path.resolve(positionals[0]!);
  const { outFile, warnings, sbom } = await buildExtension(dir, values.entry, {
    ...(values.wheels ? { wheelsDir: values.wheels } : {}),
  });
  for (const w of warnings) ctx.stderr(`warden: warning: ${w}\n`);
  ctx.stdout(`built ${path.relative(process.cwd(), outFile) || outFile}\n`);
  if (!sbom) return EXIT_OK;
  const n = sbom.components.length;
  const kind = sbom.python ? 'Python wheel' : 'npm package';
  ctx.stdout(
    `bill of materials: ${path.relative(process.cwd(), sbom.sbomFile) || sbom.sbomFile} (${n ? `${n} ${kind}${n === 1 ? '' : 's'}${sbom.python ? ' vendored into python_packages/' : ''}` : `no ${kind}s bundled`})\n`,
  );
  for (const c of sbom.components) ctx.stdout(`  ${c.name}@${c.version} (${c.license ?? 'no licence declared'})\n`);
  return EXIT_OK;
}
