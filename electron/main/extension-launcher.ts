/**
 * How the app starts extension processes. On Linux, when the build turned Electron's `runAsNode`
 * fuse on for it (build/after-pack.cjs writes resources/warden-runtime.json), the app uses the
 * same launcher as the CLI: `process.execPath` run as Node, through the OS wall (warden-confine),
 * with the same fd-3 channel. Elsewhere it keeps `utilityProcess`, which cannot be wrapped, and
 * says so: its status is "SES only". Everything is injected, so this is tested under plain Node.
 */
import path from 'node:path';
import type { ForkLauncherOptions, Launcher } from '../core';
import { wallStatus } from '../common/wall';
import { createUtilityProcessLauncher, type UtilityFork } from './utility-process-launcher';

/** Written into resources/ by build/after-pack.cjs on Linux builds. */
export const RUNTIME_MARKER = 'warden-runtime.json';

export interface ExtensionLauncherDeps {
  platform: NodeJS.Platform;
  execPath: string;
  resourcesPath: string;
  isPackaged: boolean;
  /** dist/sandbox/bootstrap.cjs as the app sees it (inside app.asar when packaged). */
  bootstrapPath: string;
  codeCacheDir: string;
  fork: UtilityFork;
  createForkLauncher(options: ForkLauncherOptions): Launcher;
  readFile(file: string): string | undefined;
}

/** Whether Electron may be run as Node here: a dev run (fuse on by default), or the build said so. */
export function runAsNodeAvailable(
  d: Pick<ExtensionLauncherDeps, 'isPackaged' | 'resourcesPath' | 'readFile'>,
): boolean {
  if (!d.isPackaged) return true;
  const text = d.readFile(path.join(d.resourcesPath, RUNTIME_MARKER));
  if (!text) return false;
  try {
    return (JSON.parse(text) as { runAsNode?: unknown }).runAsNode === true;
  } catch {
    return false;
  }
}

/** The wall needs a real folder to grant: the sandbox is unpacked beside the asar. */
export function unpackedPath(file: string): string {
  return file.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

export interface ChosenLauncher {
  launcher: Launcher;
  /** 'fork': child processes of this one (sampled from /proc); 'utility': Electron's (app metrics). */
  route: 'fork' | 'utility';
}

export function chooseExtensionLauncher(d: ExtensionLauncherDeps): ChosenLauncher {
  if (d.platform === 'linux' && runAsNodeAvailable(d)) {
    const launcher = d.createForkLauncher({
      bootstrapPath: unpackedPath(d.bootstrapPath),
      execPath: d.execPath,
      codeCacheDir: d.codeCacheDir,
      runtimeEnv: { ELECTRON_RUN_AS_NODE: '1' },
      // Electron's resources (ICU data, V8 snapshots, .pak files) live beside the binary.
      runtimeResourceDirs: [path.dirname(d.execPath)],
      confineHelperPath: d.isPackaged ? path.join(d.resourcesPath, 'bin', 'warden-confine') : undefined,
      // Electron forwards only an allowlist of Node flags: the permission model is not honoured.
      nodePermissionUsable: false,
    });
    return { launcher, route: 'fork' };
  }
  const utility = createUtilityProcessLauncher({ fork: d.fork, bootstrapPath: d.bootstrapPath });
  return {
    launcher: {
      launch: (spec) => utility.launch(spec),
      wall: wallStatus('none', 'Electron utility process: cannot be wrapped by an OS wall'),
    },
    route: 'utility',
  };
}
