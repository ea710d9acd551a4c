/**
 * `warden top <extension-dir>... [--run <command-id>] [--args <json>] [--duration <s>]`: starts
 * the extensions (running a command in each if asked) and shows a live table of their resource
 * use, kills and quarantines, refreshed every second until Ctrl+C or --duration.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  createForkLauncher,
  createSupervisor,
  type Supervisor,
  createLogger,
  loadExtensionFolder,
} from '../../../electron/core';
import { WardenError } from '../../../electron/common/errors';
import { CliError, EXIT_OK } from './usage';
import { dataDirOf, wardenRoot, type CliContext } from './context';
import { formatTable } from './format-result';
import { servicesFromFlags } from './permission-flags';
import { TOP_OPTIONS } from './command-options';

const MB = 1024 * 1024;

/** `walls`: what confines every process this supervisor's launcher starts ("SES + Landlock/seccomp"). */
export function renderTop(supervisor: Supervisor, events: string[], walls = 'SES only'): string {
  const rows = supervisor.list().map((s) => {
    const m = supervisor.metrics.latest(s.id);
    const sampled = m?.sampled ?? false;
    return [
      s.id,
      s.state,
      walls,
      sampled ? `${Math.round(m!.cpuPercent)}%` : '-',
      sampled ? `${(m!.rssBytes / MB).toFixed(1)}` : '-',
      m ? `${(m.heapUsed / MB).toFixed(1)}` : '-',
      m ? m.callsPerSecond.toFixed(1) : '0',
      m ? m.hostCallsPerSecond.toFixed(0) : '0',
      m ? `${Math.round(m.fsBytes / 1024)}` : '0',
      m ? `${Math.round(m.netBytes / 1024)}` : '0',
      m ? String(m.denials) : '0',
      String(s.strikes.length),
      s.quarantine
        ? `quarantined: ${s.quarantine.reason}`
        : s.lastExit && !s.lastExit.expected
          ? s.lastExit.reason
          : '',
    ];
  });
  const table = formatTable(
    [
      'extension',
      'state',
      'walls',
      'cpu',
      'rss MB',
      'heap MB',
      'cmd/s',
      'host/s',
      'files KiB',
      'net KiB',
      'denied',
      'strikes',
      'last kill / quarantine',
    ],
    rows,
  );
  return `${table}\n\n${events.slice(-8).join('\n')}`;
}

export async function topCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: TOP_OPTIONS,
  });
  if (positionals.length === 0) throw new CliError('top takes one or more <extension-dir>');
  let args: unknown = {};
  if (values.args) {
    try {
      args = JSON.parse(values.args);
    } catch (err) {
      throw new CliError(`--args is not valid JSON: ${(err as Error).message}`);
    }
  }
  const duration = values.duration === undefined ? Infinity : Number(values.duration) * 1000;
  if (!(duration > 0)) throw new CliError('--duration expects a number of seconds');
  const dataDir = dataDirOf(values);
  const events: string[] = [];
  const launcher = createForkLauncher({
    bootstrapPath: ctx.bootstrapPath,
    codeCacheDir: path.join(dataDir, 'cache', 'v8'),
  });
  const supervisor = createSupervisor({
    launcher,
    dataDir,
    services: servicesFromFlags(dataDir, values, { stdin: process.stdin, stderr: ctx.stderr, stdinIsTTY: false }, [
      wardenRoot(ctx),
    ]),
    logger: createLogger(() => {}),
    pythonSnapshot: { bootstrapPath: ctx.bootstrapPath, dir: path.join(dataDir, 'cache', 'v8') },
  });
  supervisor.onEvent((e) => {
    const when = new Date().toISOString().slice(11, 19);
    if (e.type === 'exit' && !e.expected) events.push(`${when} ${e.id}: ${e.reason}`);
    if (e.type === 'quarantine') events.push(`${when} ${e.id}: quarantined (${e.reason})`);
    if (e.type === 'resource' && e.event.type !== 'unthrottled')
      events.push(`${when} ${e.id}: ${e.event.type} (${Math.round(e.event.cpuPercent)}% cpu)`);
  });
  const ids: string[] = [];
  for (const dir of positionals) {
    const loaded = await loadExtensionFolder(path.resolve(dir));
    if (!loaded.ok) throw new CliError(`invalid extension ${dir}: ${loaded.errors[0]}`);
    supervisor.add(loaded.extension);
    ids.push(loaded.extension.manifest.id);
  }
  for (const id of ids) {
    const work = values.run ? supervisor.invoke(id, values.run, args, { timeoutMs: 600_000 }) : supervisor.start(id);
    void work.catch((err: unknown) =>
      events.push(`${id}: ${err instanceof WardenError ? `${err.code}: ${err.message}` : 'failed'}`),
    );
  }
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const draw = () => {
      const screen = renderTop(supervisor, events, launcher.wall?.label);
      ctx.stdout(ctx.isTTY ? `\x1b[H\x1b[2J${screen}\n` : `${screen}\n\n`);
      if (Date.now() - started >= duration) finish();
    };
    const timer = setInterval(draw, 1000);
    const finish = () => {
      clearInterval(timer);
      process.off('SIGINT', finish);
      resolve();
    };
    process.once('SIGINT', finish);
    draw();
  });
  await supervisor.stopAll();
  supervisor.close();
  return EXIT_OK;
}
