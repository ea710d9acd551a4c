/**
 * The Electron launcher: one `utilityProcess` per extension running the same sandbox bootstrap.
 * `fork` is injected (the real `utilityProcess.fork` in the app, a fake in tests).
 *
 * - `serviceName: 'ext:<id>'` names the process in `app.getAppMetrics()` and crash reports.
 * - The heap cap goes through `--js-flags`: a utility process ignores a bare
 *   `--max-old-space-size` in execArgv (Electron forwards only an allowlist of Node flags).
 * - A minimal `env`: the default would hand the parent's whole environment to the extension.
 * - Messages travel over `parentPort` (structured clone, validated by the owner like any other).
 */
import type { ForkOptions, UtilityProcess } from 'electron';
import {
  type ExitInfo,
  type ExtensionChild,
  type LaunchSpec,
  type Launcher,
  minimalEnv,
  createLineReader,
} from '../core';

export type UtilityFork = (modulePath: string, args?: string[], options?: ForkOptions) => UtilityProcess;

export function utilityForkOptions(spec: LaunchSpec): ForkOptions {
  return {
    serviceName: `ext:${spec.extensionId}`,
    execArgv: [`--js-flags=--max-old-space-size=${spec.memoryMb}`],
    env: minimalEnv(),
    stdio: 'pipe',
  };
}

export function createUtilityProcessLauncher(deps: { fork: UtilityFork; bootstrapPath: string }): Launcher {
  return {
    launch(spec: LaunchSpec): ExtensionChild {
      const child = deps.fork(deps.bootstrapPath, [], utilityForkOptions(spec));
      const exitListeners: Array<(info: ExitInfo) => void> = [];
      let exited = false;
      child.on('exit', (code) => {
        if (exited) return;
        exited = true;
        exitListeners.forEach((l) => l({ code, signal: null }));
      });
      return {
        get pid() {
          return child.pid;
        },
        onMessage: (listener) => void child.on('message', (message: unknown) => listener(message)),
        // Chromium decodes (and caps) messages before they reach us: nothing to report here.
        onViolation: () => {},
        onOutput(listener) {
          const lines = createLineReader(8 * 1024, listener);
          child.stdout?.on('data', lines);
          child.stderr?.on('data', lines);
        },
        onExit: (listener) => void exitListeners.push(listener),
        send(message) {
          if (!exited) child.postMessage(message);
        },
        kill() {
          if (!exited) child.kill();
        },
      };
    },
  };
}
