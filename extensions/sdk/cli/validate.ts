/**
 * `warden validate <dir> [--strict] [--format text|json|sarif]`: the static gate, without running
 * the extension. Exit 2 when the loader would refuse the extension (always checked) or, with
 * --strict, when a publisher/catalog rule fails (electron/core/bundle/gate/rules.ts); warnings
 * (deprecated calls, unused permissions) never fail it.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gateExtension, type GateReport } from '../../../electron/core';
import { CliError, EXIT_OK, EXIT_USAGE } from './usage';
import { VALIDATE_OPTIONS } from './command-options';
import { toSarif, toText } from './gate-report';
import type { CliContext } from './context';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

/** The JSON report: `problems` (error messages) is kept for scripts written before findings. */
function toJson(report: GateReport): unknown {
  return {
    ok: report.ok,
    ...(report.id ? { id: report.id } : {}),
    problems: report.findings.filter((f) => f.level === 'error').map((f) => f.message),
    findings: report.findings,
    skipped: report.skipped,
  };
}

export async function validateCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: VALIDATE_OPTIONS,
  });
  if (positionals.length !== 1) throw new CliError('validate takes <extension-dir>');
  const format: Format = values.format === undefined ? (values.json ? 'json' : 'text') : (values.format as Format);
  if (!FORMATS.includes(format)) throw new CliError(`--format must be one of ${FORMATS.join(', ')}`);
  const report = await gateExtension(path.resolve(positionals[0]!), { strict: values.strict });
  if (format === 'json') ctx.stdout(`${JSON.stringify(toJson(report))}\n`);
  else if (format === 'sarif') ctx.stdout(`${JSON.stringify(toSarif(report), null, 2)}\n`);
  else {
    for (const line of toText(report)) ctx.stderr(`warden: ${line}\n`);
    for (const s of report.skipped) ctx.stderr(`warden: not checked: ${s}\n`);
    if (report.ok) {
      const warnings = report.findings.length;
      ctx.stdout(
        `${report.id}: valid${values.strict ? ' (strict)' : ''}${warnings ? ` with ${warnings} warning${warnings > 1 ? 's' : ''}` : ''}\n`,
      );
    }
  }
  return report.ok ? EXIT_OK : EXIT_USAGE;
}
