/** `warden run <dir> <command-id>`: runs one command in the real sandbox and prints the result. */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WardenError, type ErrorData } from '../../../electron/common/errors';
import { wallStatus } from '../../../electron/common/wall';
import { buildSchemas } from '../../../electron/common/lazy-schema';
import { ChildMessageSchema } from '../../../electron/common/protocol';
import { CommandResultSchema } from '../../../electron/common/command-result';
import {
  createForkLauncher,
  type Launcher,
  createSupervisor,
  createLogger,
  type LogEntry,
  loadExtensionFolder,
  type LoadedExtension,
  LoadError,
} from '../../../electron/core';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './usage';
import { formatResult, jsonReplacer } from './format-result';
import { policyFromFlags, refuseForbidden, servicesFromFlags } from './permission-flags';
import { RUN_OPTIONS } from './command-options';
import { dataDirOf, wardenRoot, type CliContext } from './context';
import { mark } from './trace';

/** `launcher`: one whose sandbox process is already starting (run-spare.ts); main.ts passes it. */
export async function runCommand(argv: string[], ctx: CliContext, launcher?: Launcher): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: RUN_OPTIONS,
  });
  if (positionals.length !== 2) throw new CliError('run takes <extension-dir> <command-id>');
  const [dir, commandId] = positionals as [string, string];

  let args: unknown = {};
  if (values.args !== undefined) {
    try {
      args = JSON.parse(values.args);
    } catch (err) {
      throw new CliError(`--args is not valid JSON: ${(err as Error).message}`);
    }
  }
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
      throw new CliError('--timeout expects a positive number of milliseconds');
  }

  const dataDir = dataDirOf(values);
  const effective = policyFromFlags(dataDir, values);
  mark('policy loaded');
  const { ext, installed } = await resolveExtension(dir, dataDir, ctx);
  mark('extension folder loaded (manifest, bundle)');
  // extensions.forbid (and publisher bans) hold for folders and installed ids alike.
  refuseForbidden(effective.policy, ext);
  const commands = ext.manifest.contributes.commands.map((c) => c.id);
  if (!commands.includes(commandId)) {
    throw new CliError(
      `${ext.manifest.id} has no command "${commandId}" (contributes: ${commands.length ? commands.join(', ') : 'none'})`,
    );
  }

  const printLog = (e: LogEntry) => {
    if (e.level === 'debug' && !values.verbose) return;
    const prefix = e.source === 'extension' ? `[${String(e.ext)}]` : 'warden:';
    ctx.stderr(`${prefix}${e.level === 'info' || e.level === 'debug' ? '' : ` ${e.level}:`} ${e.msg}\n`);
  };
  const services = servicesFromFlags(
    dataDir,
    values,
    { stdin: process.stdin, stderr: ctx.stderr, stdinIsTTY: ctx.stdinIsTTY },
    [wardenRoot(ctx)],
    effective,
  );
  mark('services (grants, audit, secrets, gateways)');
  launcher ??= createForkLauncher({
    bootstrapPath: ctx.bootstrapPath,
    codeCacheDir: path.join(dataDir, 'cache', 'v8'),
    runtimeFilesCache: path.join(dataDir, 'cache', 'runtime-files.json'),
    niceness: 0, // as run-spare.ts: one command the user waits for
  });
  // A behaviour deviation contained during this run of an installed extension rolls its update
  // back (to the last version whose profile it matched) before the CLI exits.
  let containment: Promise<void> | undefined;
  const onContained = (id: string, finding: { why: string; rollbackTo?: string; version: string }) => {
    ctx.stderr(`warden: ${id} stopped and quarantined: unusual behaviour: ${finding.why}\n`);
    const to = finding.rollbackTo;
    if (!to || ext.unsigned) return;
    containment = import('./run-installed')
      .then(({ createPackageRegistry }) =>
        createPackageRegistry(dataDir, { audit: services.audit }).rollback(id, {
          to,
          reason: `unusual behaviour: ${finding.why}`,
          onlyIfActive: finding.version,
        }),
      )
      .then(
        (r) =>
          ctx.stderr(`warden: ${id} rolled back ${r.from} → ${r.to}; \`warden release ${id}\` lets it run again\n`),
        (err: unknown) => ctx.stderr(`warden: ${id} could not be rolled back: ${(err as Error).message}\n`),
      );
  };
  // Loaded before the supervisor starts anything, so the watcher below misses no event.
  const packages = installed ? await import('./run-installed') : undefined;
  // Never silent about what confines the process (docs/os-wall.md).
  const wall = launcher.wall ?? wallStatus('none');
  if (values.verbose) ctx.stderr(`warden: walls: ${wall.label}${wall.detail ? ` (${wall.detail})` : ''}\n`);
  const supervisor = createSupervisor({
    services,
    launcher,
    dataDir,
    logger: createLogger(printLog),
    onContained,
    pythonSnapshot: { bootstrapPath: ctx.bootstrapPath, dir: path.join(dataDir, 'cache', 'v8') },
  });
  supervisor.add(ext);
  mark('supervisor created, extension added');
  // Until the sandbox process says hello the host only waits: the contracts it is about to
  // receive on are built then (schemas are built on first use), not between its messages.
  setImmediate(() => buildSchemas(ChildMessageSchema, CommandResultSchema));
  // An installed update that crashes or fails to activate goes back to the version before it
  // (counted across runs in state.json); the command then runs once more, on that version.
  const rollbacks: string[] = [];
  const watcher = packages?.watchForAutoRollback(
    supervisor,
    packages.createPackageRegistry(dataDir, { audit: services.audit }),
  );
  watcher?.onEvent((e) => {
    ctx.stderr(`warden: ${e.message}\n`);
    if (e.type === 'rolled-back') rollbacks.push(e.to);
  });

  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const showProgress = ctx.isTTY && !values.json;
  try {
    const invoke = () =>
      supervisor.invoke(ext.manifest.id, commandId, args, {
        signal: abort.signal,
        ...(timeoutMs ? { timeoutMs } : {}),
        onProgress: showProgress
          ? (f, m) => ctx.stderr(`\r\x1b[2K${f === null ? '…' : `${Math.round(f * 100)}%`}${m ? ` ${m}` : ''}`)
          : undefined,
      });
    let result;
    try {
      result = await invoke();
    } catch (err) {
      await watcher?.idle();
      if (rollbacks.length === 0 || abort.signal.aborted) throw err;
      result = await invoke();
    }
    mark('result in hand');
    if (showProgress) ctx.stderr('\r\x1b[2K');
    if (values.json) ctx.stdout(`${JSON.stringify({ ok: true, result, wall }, jsonReplacer)}\n`);
    else {
      const text = formatResult(result);
      if (text) ctx.stdout(text.endsWith('\n') ? text : `${text}\n`);
    }
    return EXIT_OK;
  } catch (err) {
    if (showProgress) ctx.stderr('\r\x1b[2K');
    const data: ErrorData =
      err instanceof WardenError ? err.toData() : { code: 'EINTERNAL', message: 'internal error in the host' };
    // A bundle that does not load is an invalid extension (2); anything at run time is 1.
    const exitCode = err instanceof LoadError && err.phase === 'evaluate' ? EXIT_USAGE : EXIT_FAILED;
    if (values.json) ctx.stdout(`${JSON.stringify({ ok: false, error: data, wall })}\n`);
    else {
      const where = data.location ? ` (at ${data.location})` : '';
      ctx.stderr(
        `warden: ${commandId} failed: ${data.code}${data.reason ? ` (${data.reason})` : ''}: ${data.message}${where}\n`,
      );
      // The guest's frames (in the author's files when the bundle has a source map).
      if (values.verbose) for (const frame of data.stack ?? []) ctx.stderr(`    ${frame}\n`);
    }
    return exitCode;
  } finally {
    process.off('SIGINT', onSigint);
    watcher?.stop();
    await supervisor.stopAll();
    mark('supervisor stopped');
    services.closeInput();
    supervisor.close();
    await containment;
    services.behaviour?.close();
    mark('services closed');
  }
}

/**
 * A folder runs as it is, unsigned (developer mode, said once on an interactive terminal); anything
 * else is an installed id, loaded signed and integrity-checked (the supervisor re-hashes the
 * bundle at activation).
 */
async function resolveExtension(
  target: string,
  dataDir: string,
  ctx: CliContext,
): Promise<{ ext: LoadedExtension; installed: boolean }> {
  if (fs.statSync(target, { throwIfNoEntry: false })?.isDirectory()) {
    const loaded = await loadExtensionFolder(path.resolve(target));
    if (!loaded.ok) throw new CliError(`invalid extension: ${loaded.errors[0]}`, EXIT_USAGE, loaded.errors.slice(1));
    if (ctx.isTTY) ctx.stderr(`warden: running unsigned extension from ${target} (developer mode)\n`);
    return { ext: { ...loaded.extension, unsigned: true }, installed: false };
  }
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(target))
    throw new CliError(`${target} is not an extension folder or an installed id`);
  const { createPackageRegistry, PackageError } = await import('./run-installed');
  try {
    const registry = createPackageRegistry(dataDir);
    await registry.recover({ ifIdle: true });
    return { ext: await registry.loadInstalled(target), installed: true };
  } catch (err) {
    if (err instanceof PackageError) {
      throw new CliError(
        err.kind === 'not-found' ? `${target} is neither an extension folder nor an installed extension` : err.message,
        EXIT_USAGE,
      );
    }
    throw err;
  }
}
