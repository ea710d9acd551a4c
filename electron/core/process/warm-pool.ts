/**
 * A launcher wrapper that keeps pre-started sandbox processes waiting: SES is loaded and
 * lockdown() has run, the process has said `hello` and waits for `init`. Claiming one makes an
 * extension's first command cost an `init` and a call instead of a process start (~70 ms here).
 *
 * A waiting process holds no extension code and no authority; it becomes an extension's process
 * only when claimed. Only specs with the pool's memory cap are served from it (the heap cap is a
 * process flag); others launch directly. Messages a waiting process sends before it is claimed
 * are kept and replayed to its owner. For long-running hosts (app, headless mode): a one-shot CLI
 * run would only pay for a process it never uses.
 */
import type { ChannelViolation, ExitInfo, ExtensionChild, LaunchSpec, Launcher } from './launcher';

export interface WarmPoolOptions {
  /** Waiting processes to keep (1 is enough unless many extensions start at once). */
  size: number;
  memoryMb: number;
  /** Pause before replacing a waiting process that died, so a broken setup cannot spin. */
  refillDelayMs?: number;
}

export interface WarmPool extends Launcher {
  /** Waiting processes right now. */
  readonly waiting: number;
  /** Kills the waiting processes and stops refilling. */
  close(): void;
}

interface Waiting {
  child: ExtensionChild;
  buffered: unknown[];
  output: string[];
  exit?: ExitInfo;
}

export function createWarmPool(inner: Launcher, options: WarmPoolOptions): WarmPool {
  const ready: Waiting[] = [];
  let closed = false;
  let refillTimer: NodeJS.Timeout | undefined;

  const spawnOne = () => {
    const w: Waiting = {
      child: inner.launch({ extensionId: '(pool)', memoryMb: options.memoryMb }),
      buffered: [],
      output: [],
    };
    w.child.onMessage((m) => w.buffered.length < 16 && w.buffered.push(m));
    w.child.onOutput((line) => w.output.length < 16 && w.output.push(line));
    w.child.onExit((info) => {
      w.exit = info;
      const i = ready.indexOf(w);
      if (i < 0) return;
      ready.splice(i, 1);
      scheduleRefill(options.refillDelayMs ?? 1000);
    });
    ready.push(w);
  };

  const scheduleRefill = (delay: number) => {
    if (closed || refillTimer) return;
    refillTimer = setTimeout(() => {
      refillTimer = undefined;
      while (!closed && ready.length < options.size) spawnOne();
    }, delay);
    refillTimer.unref();
  };

  /** Hands a waiting process to its owner, replaying what it sent while waiting. */
  const adopt = (w: Waiting): ExtensionChild => {
    const messageListeners: Array<(m: unknown) => void> = [];
    let replayed = false;
    w.child.onMessage((m) => {
      if (replayed) messageListeners.forEach((l) => l(m));
    });
    return {
      get pid() {
        return w.child.pid;
      },
      onMessage(listener) {
        messageListeners.push(listener);
        if (!replayed) {
          // After the owner's constructor has attached all its listeners.
          queueMicrotask(() => {
            if (replayed) return;
            replayed = true;
            for (const m of w.buffered.splice(0)) messageListeners.forEach((l) => l(m));
          });
        }
      },
      onViolation: (l: (v: ChannelViolation) => void) => w.child.onViolation(l),
      onOutput(listener) {
        for (const line of w.output) listener(line);
        w.child.onOutput(listener);
      },
      onExit(listener) {
        if (w.exit) queueMicrotask(() => listener(w.exit!));
        else w.child.onExit(listener);
      },
      send: (message, onFlushed) => w.child.send(message, onFlushed),
      ...(w.child.outbound ? { outbound: () => w.child.outbound!() } : {}),
      kill: () => w.child.kill(),
    };
  };

  for (let i = 0; i < options.size; i++) spawnOne();

  return {
    launch(spec: LaunchSpec): ExtensionChild {
      const w = spec.memoryMb === options.memoryMb ? ready.shift() : undefined;
      if (!w) return inner.launch(spec);
      scheduleRefill(0);
      return adopt(w);
    },
    // Pooled processes come from `inner`: the same walls.
    wall: inner.wall,
    get waiting() {
      return ready.length;
    },
    close() {
      closed = true;
      clearTimeout(refillTimer);
      for (const w of ready.splice(0)) w.child.kill();
    },
  };
}
