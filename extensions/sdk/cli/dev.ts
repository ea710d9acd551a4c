/**
 * `warden dev <dir>`: the edit–run loop. Builds the extension, starts it in the real sandbox and
 * keeps it running; every save under the folder (outside the bundle's own folder, node_modules
 * and dot-folders) rebuilds it with `warden build` and reloads it in place (the old process is
 * stopped, deactivate() runs, the new bundle is started). Console output is streamed as it comes.
 * Commands are typed on stdin (`<command-id> [json args]`), or run after every reload (--run).
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { WardenError } from '../../../electron/common/errors';
import { DEFAULT_LIMITS } from '../../../electron/common/limits';
import {
  createForkLauncher,
  createLogger,
  createWarmPool,
  createSupervisor,
  loadExtensionFolder,
  type LogEntry,
} from '../../../electron/core';
import { buildExtension } from './build';
import { CliError, EXIT_OK } from './usage';
import { DEV_OPTIONS } from './command-options';
import { formatResult } from './format-result';
import { servicesFromFlags } from './permission-flags';
import { dataDirOf, wardenRoot, type CliContext } from './context';

/** Saves come in bursts (editors write, rename, touch): one rebuild per quiet moment. */
const DEBOUNCE_MS = 150;
const IGNORED_DIRS = new Set(['node_modules', '.git']);

function parseJsonArgs(text: string | undefined, what: string): unknown {
  if (text === undefined || text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
}

export async function devCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: DEV_OPTIONS });
  if (positionals.length !== 1) throw new CliError('dev takes <extension-dir>');
  const dir = path.resolve(positionals[0]!);
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory())
    throw new CliError(`${positionals[0]} is not a folder`);
  const runArgs = parseJsonArgs(values.args, '--args');
  const dataDir = dataDirOf(values);
  const say = (text: string) => ctx.stderr(`warden dev: ${text}\n`);

  const printLog = (e: LogEntry) => {
    if (e.level === 'debug' && !values.verbose) return;
    const prefix = e.source === 'extension' ? `[${String(e.ext)}]` : 'warden:';
    ctx.stderr(`${prefix}${e.level === 'info' || e.level === 'debug' ? '' : ` ${e.level}:`} ${e.msg}\n`);
  };
  // Prompts are answered from --allow/--deny (or denied); stdin is the command line, not a prompt.
  const services = servicesFromFlags(dataDir, values, { stdin: process.stdin, stderr: ctx.stderr, stdinIsTTY: false }, [
    wardenRoot(ctx),
  ]);
  const logger = createLogger(printLog);
  const codeCacheDir = path.join(dataDir, 'cache', 'v8');
  // A long-lived host where every save restarts the extension: as in `warden serve`, processes
  // start from the verified start-up snapshot once it is built (the usual way until then), and one
  // pre-locked process waits, so a reload costs an `init` rather than a process start.
  const pool = createWarmPool(
    createForkLauncher({
      bootstrapPath: ctx.bootstrapPath,
      codeCacheDir,
      startupSnapshot: true,
      onStartPath: (s) =>
        logger.debug(
          `extension processes start ${s.path === 'snapshot' ? 'from the start-up snapshot' : `the usual way (${s.path})`} (${s.detail})`,
        ),
    }),
    { size: 1, memoryMb: DEFAULT_LIMITS.memoryMb },
  );
  const supervisor = createSupervisor({
    services,
    launcher: pool,
    dataDir,
    logger,
    pythonSnapshot: { bootstrapPath: ctx.bootstrapPath, dir: codeCacheDir },
  });

  let current: { id: string; main: string; commands: string[] } | undefined;
  const describe = (err: unknown) =>
    err instanceof WardenError
      ? `${err.code}: ${err.message}${err.location ? ` (at ${err.location})` : ''}`
      : err instanceof CliError
        ? [err.message, ...err.details].join('\n  ')
        : 'internal error';

  async function runOne(command: string, args: unknown): Promise<void> {
    if (!current) return say('nothing is loaded (fix the build first)');
    if (!current.commands.includes(command))
      return say(`no command "${command}" (contributes: ${current.commands.join(', ') || 'none'})`);
    try {
      const result = await supervisor.invoke(current.id, command, args);
      const text = formatResult(result);
      ctx.stdout(text.endsWith('\n') ? text : `${text}\n`);
    } catch (err) {
      say(`${command} failed: ${describe(err)}`);
      if (values.verbose && err instanceof WardenError) for (const f of err.guestStack ?? []) ctx.stderr(`    ${f}\n`);
    }
  }

  /** Build, then swap the running extension for the new one. A failed build keeps the old one. */
  async function reload(reason: string): Promise<void> {
    const started = Date.now();
    try {
      const { warnings } = await buildExtension(dir, values.entry);
      for (const w of warnings) say(`warning: ${w}`);
    } catch (err) {
      say(`build failed (${current ? 'the previous build keeps running' : 'nothing loaded'}): ${describe(err)}`);
      return;
    }
    const loaded = await loadExtensionFolder(dir);
    if (!loaded.ok) {
      say(`invalid extension: ${loaded.errors.join('; ')}`);
      return;
    }
    if (current) await supervisor.remove(current.id);
    const m = loaded.extension.manifest;
    supervisor.add({ ...loaded.extension, unsigned: true });
    current = { id: m.id, main: m.main, commands: m.contributes.commands.map((c) => c.id) };
    try {
      await supervisor.start(m.id);
      say(`${reason}: ${m.id} ${m.version} running (${Date.now() - started} ms)`);
    } catch (err) {
      say(`${m.id} did not start: ${describe(err)}`);
      return;
    }
    if (values.run) await runOne(values.run, runArgs);
  }

  // One reload at a time; saves during a reload ask for one more afterwards.
  let busy: Promise<void> = Promise.resolve();
  let pending = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      if (pending) return;
      pending = true;
      busy = busy.then(() => {
        pending = false;
        return reload('rebuilt');
      });
    }, DEBOUNCE_MS);
  };
  const outputDir = () => path.dirname(path.join(dir, ...(current?.main ?? 'dist/extension.js').split('/')));
  const watcher = fs.watch(dir, { recursive: true }, (_event, name) => {
    if (!name) return schedule();
    const file = path.join(dir, name.toString());
    const parts = path.relative(dir, file).split(path.sep);
    if (parts.some((p) => IGNORED_DIRS.has(p) || p.startsWith('.'))) return;
    if (file === outputDir() || file.startsWith(outputDir() + path.sep)) return; // our own output
    schedule();
  });

  busy = reload('started');
  await busy;
  say('watching for changes; type a command id (and JSON args) to run it, "help" for the list, Ctrl+C to stop');

  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => {
    const text = line.trim();
    if (!text) return;
    if (text === 'help') return say(`commands: ${current?.commands.join(', ') || 'none'}`);
    if (text === 'quit' || text === 'exit') return void process.emit('SIGINT');
    const space = text.search(/\s/);
    const command = space < 0 ? text : text.slice(0, space);
    let args: unknown;
    try {
      args = parseJsonArgs(space < 0 ? undefined : text.slice(space + 1), 'arguments');
    } catch (err) {
      return say((err as Error).message);
    }
    busy = busy.then(() => runOne(command, args));
  });

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  watcher.close();
  rl.close();
  if (timer) clearTimeout(timer);
  await busy.catch(() => {});
  await supervisor.stopAll();
  supervisor.close();
  pool.close();
  return EXIT_OK;
}
