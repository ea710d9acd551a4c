/**
 * A phase trace of one CLI run (`WARDEN_TRACE=1`, off by default): where the host's time goes,
 * from the process start (node's own bootstrap is the first row) to its exit. Printed to stderr
 * as a table when the process exits; a benchmark's tool, never read by tests for timings.
 */
const enabled = !!process.env.WARDEN_TRACE;

type Marks = Array<[string, number, number]>;
/** One list per process: the door (warden.cjs) and the command's bundle each carry this module. */
const KEY = Symbol.for('warden.cli.trace');
const store = globalThis as { [KEY]?: Marks };

function marks(): Marks {
  let m = store[KEY];
  if (!m) {
    m = store[KEY] = [];
    process.once('exit', () => {
      mark('process exit');
      const rows = m!.map(([phase, at, cpu], i) => {
        const since = at - (i === 0 ? 0 : m![i - 1]![1]);
        const cpuSince = cpu - (i === 0 ? 0 : m![i - 1]![2]);
        return `${at.toFixed(1).padStart(8)} ${`+${since.toFixed(1)}`.padStart(8)} ${`+${cpuSince.toFixed(1)}`.padStart(8)}  ${phase}`;
      });
      process.stderr.write(
        `warden trace: ms since the process started, + wall and + host CPU (user+system) since the row before\n${rows.join('\n')}\n`,
      );
    });
  }
  return m;
}

/** Records that `phase` ended now (milliseconds since the process started). */
export const mark: (phase: string) => void = enabled
  ? (phase) => {
      const { user, system } = process.cpuUsage();
      marks().push([phase, performance.now(), (user + system) / 1000]);
    }
  : () => {};

/** Records `phase` once only (the first of several equal events: the child's first message). */
export const markOnce: (phase: string) => void = enabled
  ? (phase) => {
      if (!marks().some(([p]) => p === phase)) mark(phase);
    }
  : () => {};

export const tracing = (): boolean => enabled;
