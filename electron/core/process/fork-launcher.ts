/**
 * The plain-Node launcher: one `node` child per extension, running the sandbox bootstrap.
 *
 * The channel is a private pipe on fd 3 with length-prefixed `v8.serialize` frames (the same
 * structured-clone semantics as Electron's `parentPort`), not Node's fork IPC: that parser
 * throws an uncaught error in this process on one malformed line from the child. Here a frame
 * that is too large is skipped unread and one that does not decode is reported, never thrown.
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import v8 from 'node:v8';
import os from 'node:os';
import { createFrameDecoder, encodeFrame } from '../../common/frame-codec';
import { MAX_MESSAGE_BYTES } from '../../common/protocol';
import type { ChannelViolation, ExitInfo, ExtensionChild, LaunchSpec, Launcher } from './launcher';
import { createLineReader } from './line-reader';

export interface ForkLauncherOptions {
  /** Path of the built sandbox bootstrap (`dist/sandbox/bootstrap.cjs`). */
  bootstrapPath: string;
  /** Node executable; defaults to the one running the host. */
  execPath?: string;
  /** Extra V8/Node flags (tests use it for e.g. `--stack-size`). */
  extraExecArgv?: string[];
  /** Where the sandbox may keep its V8 code cache (a folder of the host's data dir). */
  codeCacheDir?: string;
}

/**
 * The environment handed to extension processes: nothing from the host's. It keeps tokens and
 * proxy credentials out of a process a SES escape would reach, and `LOCKDOWN_*`/`NODE_OPTIONS`
 * overrides out of the sandbox.
 */
export function minimalEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  if (process.platform === 'win32' && process.env.SYSTEMROOT) env.SYSTEMROOT = process.env.SYSTEMROOT;
  return env;
}

const FRAMES_PER_TURN = 128;
const BACKLOG_PAUSE = 1024;
/** Extensions run below the host's priority: a busy child must not starve the host's loop. */
const CHILD_NICENESS = 10;

export function createForkLauncher(options: ForkLauncherOptions): Launcher {
  return {
    launch(spec: LaunchSpec): ExtensionChild {
      const child = spawn(
        options.execPath ?? process.execPath,
        [
          `--max-old-space-size=${spec.memoryMb}`,
          ...(options.extraExecArgv ?? []),
          options.bootstrapPath,
          ...(options.codeCacheDir ? [`--code-cache-dir=${options.codeCacheDir}`] : []),
        ],
        { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: minimalEnv(), windowsHide: true },
      );
      const channel = child.stdio[3] as Socket;
      if (child.pid !== undefined) {
        try {
          os.setPriority(child.pid, CHILD_NICENESS);
        } catch {
          // not permitted here: limits still apply, only scheduling is less favourable
        }
      }
      const messageListeners: Array<(m: unknown) => void> = [];
      const violationListeners: Array<(v: ChannelViolation) => void> = [];
      const outputListeners: Array<(line: string) => void> = [];
      const exitListeners: Array<(info: ExitInfo) => void> = [];
      const emitViolation = (v: ChannelViolation) => violationListeners.forEach((l) => l(v));

      // Frames are handled in batches with a turn of the host's event loop between them, and
      // the pipe is paused while a backlog waits: a flooding child cannot monopolise the host.
      const queue: Uint8Array[] = [];
      let draining = false;
      const drain = () => {
        draining = false;
        for (let n = 0; n < FRAMES_PER_TURN && queue.length > 0; n++) {
          const payload = queue.shift()!;
          let message: unknown;
          try {
            message = v8.deserialize(payload);
          } catch {
            emitViolation({ kind: 'undecodable' });
            continue;
          }
          for (const l of messageListeners) l(message);
        }
        if (queue.length > 0) {
          draining = true;
          setImmediate(drain);
        } else if (channel.isPaused()) channel.resume();
      };
      const decoder = createFrameDecoder(MAX_MESSAGE_BYTES, {
        frame(payload) {
          queue.push(payload);
          if (queue.length > BACKLOG_PAUSE && !channel.isPaused()) channel.pause();
          if (!draining) {
            draining = true;
            setImmediate(drain);
          }
        },
        oversize(bytes) {
          emitViolation({ kind: 'oversize', bytes });
        },
      });
      channel.on('data', (chunk: Buffer) => decoder.push(chunk));
      channel.on('error', () => {}); // EPIPE after the child died: the exit event reports it

      const lines = createLineReader(8 * 1024, (line) => outputListeners.forEach((l) => l(line)));
      child.stdout!.on('data', lines);
      child.stderr!.on('data', lines);

      let corked = false;
      const uncork = () => {
        corked = false;
        channel.uncork();
      };

      let exited = false;
      child.on('error', () => {
        // spawn failure: reported as an exit so owners have one path for "the process is gone"
        if (exited) return;
        exited = true;
        exitListeners.forEach((l) => l({ code: null, signal: 'ESPAWN' }));
      });
      // 'close', not 'exit': it comes after stdout/stderr are drained, so a fatal message the
      // process printed (V8's "heap out of memory") is in hand when the exit is explained.
      child.on('close', (code, signal) => {
        if (exited) return;
        exited = true;
        channel.destroy();
        exitListeners.forEach((l) => l({ code, signal }));
      });

      return {
        get pid() {
          return child.pid;
        },
        onMessage: (l) => void messageListeners.push(l),
        onViolation: (l) => void violationListeners.push(l),
        onOutput: (l) => void outputListeners.push(l),
        onExit: (l) => void exitListeners.push(l),
        send(message) {
          if (exited || channel.destroyed) return;
          // Frames sent in one tick leave in one writev: a burst of calls costs one syscall,
          // not one per call, on the host's loop.
          if (!corked) {
            corked = true;
            channel.cork();
            process.nextTick(uncork);
          }
          channel.write(encodeFrame(v8.serialize(message)));
        },
        kill() {
          if (!exited) child.kill('SIGKILL');
        },
      };
    },
  };
}
