/**
 * `warden validate` reports as text, JSON, or SARIF 2.1.0 (the format code-scanning services
 * such as GitHub's read): one run, the gate's rules in `tool.driver.rules`, one result per
 * finding with a physical location relative to the extension folder (`%SRCROOT%`).
 */
import { GATE_RULES, type GateReport } from '../../../electron/core';
import { WARDEN_VERSION } from '../../../electron/common/version';

export const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export function toSarif(report: GateReport): unknown {
  const ruleIndex = new Map(GATE_RULES.map((r, i) => [r.id as string, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'warden validate',
            version: WARDEN_VERSION,
            rules: GATE_RULES.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: r.description },
              defaultConfiguration: { level: r.level },
              properties: { strictOnly: !r.always },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'the extension folder' } } },
        results: report.findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: ruleIndex.get(f.ruleId),
          level: f.level,
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file, uriBaseId: '%SRCROOT%' },
                region: { startLine: f.line, startColumn: f.column },
              },
            },
          ],
        })),
        ...(report.skipped.length
          ? {
              invocations: [
                {
                  executionSuccessful: true,
                  toolExecutionNotifications: report.skipped.map((s) => ({
                    level: 'note',
                    message: { text: `not checked: ${s}` },
                  })),
                },
              ],
            }
          : {}),
      },
    ],
  };
}

/** Text lines: `file:line:col: level RULE message`. */
export function toText(report: GateReport): string[] {
  return report.findings.map((f) => {
    const where = `${f.file}:${f.line}:${f.column}`;
    // Loader and manifest messages already start with their location.
    const text = f.message.startsWith(`${f.file}:`) || f.ruleId === 'WG001' ? f.message : `${where}: ${f.message}`;
    return `${f.level} ${f.ruleId}: ${text}`;
  });
}
