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
 *
 * Python (docs/python.md, "Start-up"): with `python`, once a Python extension is known the pool
 * also keeps one Python-ready spare, a waiting process told to start the host's own runtime from
 * the verified memory snapshot (`python-preload`), so a Python extension's start is its imports.
 * Only launches for the host's runtime (`spec.runtime === 'python'`) with the pool's memory cap
 * take it; a package's own runtime never does.
 */
import type { ExtensionChild, LaunchSpec, Launcher } from './launcher';
import { adoptChild, holdChild, type HeldChild } from './held-child';

export interface WarmPoolOptions {
  /** Waiting processes to keep (1 is enough unless many extensions start at once). */
  size: number;
  memoryMb: number;
  /** Pause before replacing a waiting process that died, so a broken setup cannot spin. */
  refillDelayMs?: number;
  /**
   * Pause before replacing a claimed Python spare (default 1 s): the new one starts an interpreter
   * (~1 s of CPU), which would otherwise compete with the claimed process's start and first answer.
   */
  pythonRefillDelayMs?: number;
  /**
   * Keep a Python-ready spare: the snapshot it starts from (made and verified by the host) and
   * the host runtime's files as the host verified them (read by the spare without hashing while
   * they keep the identity verified; absent or failed: the spare hashes them).
   */
  python?: {
    snapshot(): Promise<{ file: string; sha256: string; identity?: string } | undefined>;
    verified?(): Promise<Record<string, { sha256: string; identity: string }> | undefined>;
  };
}

export interface WarmPool extends Launcher {
  /** Waiting processes right now. */
  readonly waiting: number;
  /** Python-ready spares right now. */
  readonly pythonWaiting: number;
  /** Starts keeping a Python-ready spare (with `python`); the first Python launch does it too. */
  warmPython(): void;
  /** Kills the waiting processes and stops refilling. */
  close(): void;
}

type Waiting = HeldChild;

export function createWarmPool(inner: Launcher, options: WarmPoolOptions): WarmPool {
  const ready: Waiting[] = [];
  const pythonReady: Waiting[] = [];
  let pythonWanted = false;
  let closed = false;
  let refillTimer: NodeJS.Timeout | undefined;

  const spawnOne = (list = ready) => {
    const w = holdChild(
      inner.launch({ extensionId: list === ready ? '(pool)' : '(python pool)', memoryMb: options.memoryMb }),
    );
    w.child.onExit(() => {
      const i = list.indexOf(w);
      if (i < 0) return;
      list.splice(i, 1);
      scheduleRefill(options.refillDelayMs ?? 1000);
    });
    list.push(w);
    if (list === pythonReady) preload(w);
  };

  /** Tells a Python spare to start the interpreter, once it has said hello and the snapshot is known. */
  const preload = (w: Waiting) => {
    const hello = new Promise<void>((resolve) =>
      w.child.onMessage((m) => (m as { t?: unknown } | null)?.t === 'hello' && resolve()),
    );
    const py = options.python!;
    void Promise.all([py.snapshot().catch(() => undefined), py.verified?.().catch(() => undefined), hello]).then(
      ([snapshot, verified]) => {
        // Claimed meanwhile: its owner's `init` went first and the process ignores a late preload.
        if (!pythonReady.includes(w)) return;
        w.child.send({
          t: 'python-preload',
          memoryMb: options.memoryMb,
          ...(snapshot ? { snapshot } : {}),
          ...(verified ? { verified } : {}),
        });
      },
    );
  };

  const scheduleRefill = (delay: number) => {
    if (closed || refillTimer) return;
    refillTimer = setTimeout(() => {
      refillTimer = undefined;
      while (!closed && ready.length < options.size) spawnOne();
      if (!closed && pythonWanted && pythonReady.length < 1) spawnOne(pythonReady);
    }, delay);
    refillTimer.unref();
  };

  const warmPython = () => {
    if (!options.python || closed || pythonWanted) return;
    pythonWanted = true;
    scheduleRefill(0);
  };

  for (let i = 0; i < options.size; i++) spawnOne();

  return {
    launch(spec: LaunchSpec): ExtensionChild {
      const python = spec.runtime === 'python';
      if (python && options.python) pythonWanted = true;
      // A Python extension takes a Python-ready spare, else a plain one (init loads Python there);
      // a JavaScript extension never takes a Python spare (its interpreter would be wasted).
      const spare = spec.memoryMb === options.memoryMb && python ? pythonReady.shift() : undefined;
      const w = spare ?? (spec.memoryMb === options.memoryMb ? ready.shift() : undefined);
      scheduleRefill(spare ? (options.pythonRefillDelayMs ?? 1000) : 0);
      if (!w) return inner.launch(spec);
      return adoptChild(w);
    },
    prepare(spec: LaunchSpec) {
      if (spec.runtime === 'python' && spec.memoryMb === options.memoryMb) warmPython();
    },
    warmPython,
    get pythonWaiting() {
      return pythonReady.length;
    },
    // Pooled processes come from `inner`: the same walls.
    wall: inner.wall,
    get waiting() {
      return ready.length;
    },
    close() {
      closed = true;
      clearTimeout(refillTimer);
      for (const w of [...ready.splice(0), ...pythonReady.splice(0)]) w.child.kill();
    },
  };
}
