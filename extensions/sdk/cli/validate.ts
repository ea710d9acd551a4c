/** `warden validate <dir>`: manifest and bundle checks without running the extension. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadExtensionFolder, locateSyntaxError } from '../../../electron/core';
import { CliError, EXIT_OK, EXIT_USAGE } from './usage';
import { VALIDATE_OPTIONS } from './command-options';
import type { CliContext } from './context';

export async function validateExtension(dir: string): Promise<{ ok: boolean; problems: string[]; id?: string }> {
  const loaded = await loadExtensionFolder(dir);
  if (!loaded.ok) return { ok: false, problems: loaded.errors };
  const { manifest, mainPath } = loaded.extension;
  // Python (docs/python.md): its .py files are checked when Python compiles them, at start.
  if (manifest.runtime === 'python') return { ok: true, problems: [], id: manifest.id };
  const source = await fs.readFile(mainPath, 'utf8');
  const syntax = locateSyntaxError(`(function (exports, module) {${source}\n})`, manifest.main);
  return syntax ? { ok: false, problems: [syntax], id: manifest.id } : { ok: true, problems: [], id: manifest.id };
}

export async function validateCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: VALIDATE_OPTIONS,
  });
  if (positionals.length !== 1) throw new CliError('validate takes <extension-dir>');
  const report = await validateExtension(path.resolve(positionals[0]!));
  if (values.json) ctx.stdout(`${JSON.stringify(report)}\n`);
  else if (report.ok) ctx.stdout(`${report.id}: valid\n`);
  else for (const p of report.problems) ctx.stderr(`warden: ${p}\n`);
  return report.ok ? EXIT_OK : EXIT_USAGE;
}
