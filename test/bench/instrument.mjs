// Wraps a product Launcher without changing it: records when each child was launched and when
// the first message of each type arrived / was sent (all on the host's monotonic clock,
// performance.now()), and keeps every live child so the benchmark can always kill what it
// started. The wrapper's listener is registered before the owner's, so a mark is taken before
// the product handles the message.
import { performance } from 'node:perf_hooks';

export function instrumentLauncher(inner) {
  /** Children that have not exited yet, with a promise for their exit. */
  const live = new Map();
  /** One record per launch: { pid, launchedAt, spawnReturnedAt, marks: { hello, ready, 'sent:init', … } }. */
  const records = [];

  const launcher = {
    // What the product reads off a launcher besides launch(): its wall, and the snapshot state.
    wall: inner.wall,
    ...(typeof inner.startPath === 'function' ? { startPath: (mb) => inner.startPath(mb) } : {}),
    ...(typeof inner.snapshotReady === 'function' ? { snapshotReady: (mb) => inner.snapshotReady(mb) } : {}),
    launch(spec) {
      const record = {
        pid: undefined,
        extensionId: spec.extensionId,
        launchedAt: performance.now(),
        spawnReturnedAt: NaN,
        marks: {},
      };
      const child = inner.launch(spec);
      record.spawnReturnedAt = performance.now();
      record.pid = child.pid;
      records.push(record);
      const mark = (name) => {
        if (!(name in record.marks)) record.marks[name] = performance.now();
      };
      let resolveExit;
      const exited = new Promise((r) => (resolveExit = r));
      live.set(child, exited);
      child.onMessage((m) => {
        if (m && typeof m === 'object' && typeof m.t === 'string') mark(m.t);
      });
      child.onExit((info) => {
        mark('exit');
        live.delete(child);
        resolveExit(info);
      });
      return {
        get pid() {
          return child.pid;
        },
        onMessage: (l) => child.onMessage(l),
        onViolation: (l) => child.onViolation(l),
        onOutput: (l) => child.onOutput(l),
        onExit: (l) => child.onExit(l),
        send(message) {
          if (message && typeof message === 'object' && typeof message.t === 'string') mark(`sent:${message.t}`);
          child.send(message);
        },
        kill: () => child.kill(),
        /** Not part of the Launcher contract: for the benchmark's own floor children. */
        exited,
        record,
      };
    },
  };

  return {
    launcher,
    records,
    get liveCount() {
      return live.size;
    },
    /** SIGKILLs every child still alive and waits (bounded) for their exit events. */
    async killAll(timeoutMs = 2000) {
      const waits = [...live.entries()].map(([child, exited]) => {
        child.kill();
        return exited;
      });
      await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    },
    /** Synchronous last resort (process 'exit' handler). */
    killAllSync() {
      for (const child of live.keys()) child.kill();
    },
  };
}
