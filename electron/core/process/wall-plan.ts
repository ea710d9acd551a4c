/**
 * The command line that starts one extension process behind a given wall. Pure: what to run is
 * decided here, from paths already known, so it can be tested without starting anything.
 *
 * Every mechanism grants read (and exec) of the same list: the runtime's files, the sandbox
 * bundle's folder and the code-cache folder. Nothing is writable; the channel is the inherited
 * fd 3; the environment is the launcher's minimal one.
 */
import type { WallMechanism } from '../../common/wall';

/** The descriptor on which the wrapper (or bwrap's --info-fd) reports that the wall is up. */
export const WALL_STATUS_FD = 4;

export interface WallPlanInput {
  mechanism: WallMechanism;
  /** The runtime binary (node, or Electron run as Node). */
  runtime: string;
  /** Runtime flags, before the entry script. */
  runtimeFlags: string[];
  /** The entry script and its arguments. */
  entry: string[];
  /** Files and folders readable inside the wall (runtime files, bundle folder, cache folder). */
  readPaths: string[];
  /** Folders Node's permission model lets the process read (the sandbox's own files). */
  nodeReadDirs: string[];
  /** Single files it may read (an entry script granted alone). */
  nodeReadFiles?: string[];
  /** The warden-confine binary, for 'landlock-seccomp'. */
  helperPath?: string;
  /** bubblewrap, for 'bubblewrap'. */
  bwrapPath?: string;
  /** Variables the runtime itself needs (ELECTRON_RUN_AS_NODE=1); bwrap clears the rest. */
  runtimeEnv?: Record<string, string>;
  /** The host's pid: the wrapper refuses to run a child whose parent already died. */
  parentPid: number;
  /** Major version of the runtime's Node, for the permission flags' spelling. */
  nodeMajor: number;
}

export interface WallPlan {
  file: string;
  args: string[];
  /** Whether a status report arrives on WALL_STATUS_FD before the program runs. */
  reportsOnFd: boolean;
}

export function planWalledSpawn(i: WallPlanInput): WallPlan {
  const direct = [...i.runtimeFlags, ...i.entry];
  switch (i.mechanism) {
    case 'landlock-seccomp': {
      if (!i.helperPath) throw new Error('landlock-seccomp needs the warden-confine helper');
      const allow = i.readPaths.flatMap((p) => ['--allow', p]);
      return {
        file: i.helperPath,
        args: [
          '--status-fd',
          String(WALL_STATUS_FD),
          '--parent-pid',
          String(i.parentPid),
          ...allow,
          '--',
          i.runtime,
          ...direct,
        ],
        reportsOnFd: true,
      };
    }
    case 'bubblewrap': {
      const binds = i.readPaths.flatMap((p) => ['--ro-bind', p, p]);
      return {
        file: i.bwrapPath ?? 'bwrap',
        args: [
          '--unshare-all', // user, ipc, pid, net, uts, cgroup: no network, no view of other processes
          '--die-with-parent',
          '--new-session',
          '--clearenv',
          ...Object.entries(i.runtimeEnv ?? {}).flatMap(([k, v]) => ['--setenv', k, v]),
          '--cap-drop',
          'ALL',
          '--info-fd',
          String(WALL_STATUS_FD),
          ...binds,
          '--proc',
          '/proc',
          '--dev',
          '/dev',
          '--remount-ro',
          '/',
          '--chdir',
          '/',
          '--',
          i.runtime,
          ...direct,
        ],
        reportsOnFd: true,
      };
    }
    case 'node-permission':
      return {
        file: i.runtime,
        args: [...nodePermissionFlags(i.nodeMajor, i.nodeReadDirs, i.nodeReadFiles), ...direct],
        reportsOnFd: false,
      };
    case 'none':
      return { file: i.runtime, args: direct, reportsOnFd: false };
  }
}

/**
 * Node's permission model: read beneath the sandbox's folders only; no write, child processes,
 * workers, addons or WASI (each is denied unless its --allow-* flag is given). Node 20 spells
 * the switch --experimental-permission and takes one comma-separated list; 22+ --permission and
 * repeated flags.
 */
export function nodePermissionFlags(nodeMajor: number, readDirs: string[], readFiles: string[] = []): string[] {
  const globs = [...readDirs.map((d) => `${d.replace(/[/\\]+$/, '')}/*`), ...readFiles];
  if (nodeMajor < 22) {
    if (globs.some((g) => g.includes(',')))
      throw new Error('a sandbox path contains a comma: Node 20 cannot express it');
    return ['--experimental-permission', `--allow-fs-read=${globs.join(',')}`];
  }
  return ['--permission', ...globs.map((g) => `--allow-fs-read=${g}`)];
}
