/**
 * `warden serve [--port <n>] [--data-dir <dir>] [--dev <folder>]... [--examples] [--open]`:
 * runs the app host and serves the panel to a browser on 127.0.0.1 (headless mode).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { serveHeadless } from '../../../electron/web/serve';
import { createLogger, createStreamNotifier } from '../../../electron/core';
import { CliError, EXIT_OK } from './usage';
import { dataDirOf, type CliContext } from './context';

/** Opens the address in the desktop's browser when there is one; otherwise the user copies it. */
function tryOpen(url: string): boolean {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return false;
  try {
    spawn(opener, [url], { stdio: 'ignore', detached: true })
      .on('error', () => {})
      .unref();
    return true;
  } catch {
    return false;
  }
}

export async function serveCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      dev: { type: 'string', multiple: true },
      examples: { type: 'boolean', default: false },
      catalog: { type: 'string' },
      policy: { type: 'string' },
      'prompt-timeout': { type: 'string' },
      open: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('--port expects a port number');
  const timeout = values['prompt-timeout'] === undefined ? undefined : Number(values['prompt-timeout']);
  if (timeout !== undefined && !(timeout > 0)) throw new CliError('--prompt-timeout expects milliseconds');
  const dist = path.join(path.dirname(ctx.bootstrapPath), '..');
  const rendererDir = path.join(dist, 'renderer');
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    throw new CliError('the panel is not built: run `npm run build` in the Warden folder', 1);
  }
  const examplesDir = path.join(dist, '..', 'extensions', 'examples');
  const devFolders = [
    ...(values.dev ?? []).map((d) => path.resolve(d)),
    ...(values.examples && fs.existsSync(examplesDir)
      ? fs
          .readdirSync(examplesDir)
          .map((n) => path.join(examplesDir, n))
          .filter((d) => fs.existsSync(path.join(d, 'manifest.json')))
      : []),
  ];
  const dataDir = dataDirOf(values);
  const logger = createLogger((e) => {
    if (e.level === 'debug' && !values.verbose) return;
    ctx.stderr(
      `${e.ext ? `[${String(e.ext)}]` : 'warden:'}${e.level === 'info' || e.level === 'debug' ? '' : ` ${e.level}:`} ${e.msg}\n`,
    );
  });
  let serving;
  try {
    serving = await serveHeadless({
      dataDir,
      bootstrapPath: ctx.bootstrapPath,
      rendererDir,
      version: process.env.WARDEN_VERSION ?? '0.1.0',
      port,
      devFolders,
      catalog: values.catalog,
      policyFile: values.policy ? path.resolve(values.policy) : undefined,
      promptTimeoutMs: timeout,
      logger,
      notifier: createStreamNotifier(ctx.stderr),
    });
  } catch (err) {
    throw new CliError(`cannot start: ${(err as Error).message}`, 1);
  }
  const url = serving.server.url;
  ctx.stdout(`Warden is running in headless mode at:\n\n  ${url}\n\n`);
  if (devFolders.length)
    ctx.stdout(`developer mode: ${devFolders.length} unsigned folder(s) loaded and marked "unsigned"\n`);
  if (values.open && !tryOpen(url)) ctx.stdout('(no desktop browser to open here: open the address above)\n');
  ctx.stdout('Press Ctrl+C to stop.\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await serving.close();
  return EXIT_OK;
}
