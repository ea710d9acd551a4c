/**
 * `warden anomalies`: what the behaviour baselines noticed (docs/behaviour.md). Lists findings,
 * marks one expected (it joins the baseline, its quarantine is lifted), shows the incident
 * around one (Markdown or JSON, for a report) and an extension's learnt profile. All local.
 */
import { parseArgs } from 'node:util';
import { ANOMALIES_OPTIONS } from './command-options';
import {
  behaviour,
  createAuditLog,
  createStrikeBook,
  loadPolicyFile,
  servicePaths,
  EMPTY_POLICY,
  type Policy,
} from '../../../electron/core';
import { CliError, EXIT_FAILED, EXIT_OK } from './usage';
import { dataDirOf, type CliContext } from './context';
import path from 'node:path';

const when = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function anomaliesCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: ANOMALIES_OPTIONS,
  });
  const dataDir = dataDirOf(values);
  const store = behaviour.createBehaviourStore(dataDir);
  const [verb = 'list', arg] = positionals;
  const out = (v: unknown) => ctx.stdout(`${JSON.stringify(v, null, values.json ? undefined : 2)}\n`);

  if (verb === 'list') {
    const findings = store.readFindings(values.extension).filter((f) => values.all || f.state === 'open');
    const settings = policyOf(dataDir).behaviour ?? behaviour.DEFAULT_BEHAVIOUR_SETTINGS;
    if (values.json) {
      out({ enabled: settings.enabled, findings });
      return EXIT_OK;
    }
    if (!settings.enabled) ctx.stdout('behaviour baselines are off (policy "behaviour.enabled": false)\n');
    if (findings.length === 0) {
      ctx.stdout(`no ${values.all ? '' : 'open '}findings${values.extension ? ` for ${values.extension}` : ''}\n`);
      return EXIT_OK;
    }
    for (const f of findings)
      ctx.stdout(
        `${f.id}  ${when(f.t)}  ${f.ext} ${f.version}  ${f.severity.toUpperCase()} ${f.rule} → ${f.response}` +
          `${f.state === 'accepted' ? ' (accepted)' : ''}\n    ${f.why}${f.rollbackTo ? ` (roll back to ${f.rollbackTo})` : ''}\n`,
      );
    ctx.stdout(
      `\n\`warden anomalies accept <id>\` marks one expected; \`warden anomalies incident <id>\` shows what happened around it.\n`,
    );
    return EXIT_OK;
  }
  if (verb === 'accept' && arg) {
    const f = behaviour.acceptStoredFinding(store, arg);
    if (!f) throw new CliError(`no finding ${arg} (see: warden anomalies --all)`, EXIT_FAILED);
    // A quarantine this deviation caused is lifted with it; others stay.
    const strikes = createStrikeBook({ file: path.join(dataDir, 'quarantine.json') });
    const q = strikes.quarantined(f.ext);
    const lifted = q?.reason.startsWith('unusual behaviour:') && q.reason.includes(f.why) && strikes.release(f.ext);
    const audit = createAuditLog({ file: servicePaths(dataDir).audit });
    audit.write({
      ext: f.ext,
      kind: 'anomaly',
      reason: 'accepted',
      detail: `finding ${f.id} marked expected: ${f.why}`,
    });
    if (lifted)
      audit.write({ ext: f.ext, kind: 'lifecycle', detail: 'released from quarantine (deviation marked expected)' });
    ctx.stdout(`${f.ext}: "${f.why}" is now part of its baseline${lifted ? '; released from quarantine' : ''}\n`);
    return EXIT_OK;
  }
  if (verb === 'incident' && arg) {
    const f = store.readFindings().find((x) => x.id === arg);
    if (!f) throw new CliError(`no finding ${arg} (see: warden anomalies --all)`, EXIT_FAILED);
    const records = createAuditLog({ file: servicePaths(dataDir).audit }).read({ extensionId: f.ext });
    const incident = behaviour.buildIncident(f, records);
    if (values.json) out(incident);
    else ctx.stdout(behaviour.incidentMarkdown(incident));
    return EXIT_OK;
  }
  if (verb === 'profile' && arg) {
    const engine = behaviour.createBehaviourEngine({
      settings: policyOf(dataDir).behaviour ?? behaviour.DEFAULT_BEHAVIOUR_SETTINGS,
      load: (id) => store.load(id),
    });
    const summary = engine.summary(arg);
    if (!summary) throw new CliError(`no profile for ${arg} yet (it is learnt as the extension runs)`, EXIT_FAILED);
    if (values.json) out(summary);
    else {
      const l = summary.learning;
      ctx.stdout(
        `${summary.ext} ${summary.version}: ${l.learned ? 'learnt' : `learning (${l.commands}/${l.minCommands} commands, ${l.days}/${l.minDays} days)`}\n` +
          `  destinations: ${summary.destinations.map((d) => d.host).join(', ') || 'none'}\n` +
          `  paths: ${summary.paths.map((p) => p.prefix).join(', ') || 'none'}\n` +
          `  capabilities: ${summary.capabilities.join(', ') || 'none'}\n` +
          `  commands: ${summary.commands.join(', ') || 'none'}\n`,
      );
    }
    return EXIT_OK;
  }
  throw new CliError(
    'anomalies takes: [list] [--extension <id>] [--all] [--json] | accept <id> | incident <id> [--json] | profile <extension-id> [--json]',
  );
}

/** The admin policy's behaviour settings (the same file `warden run` and `serve` read). */
function policyOf(dataDir: string): Policy {
  try {
    return loadPolicyFile(servicePaths(dataDir).policy);
  } catch {
    return EMPTY_POLICY;
  }
}
