/**
 * Where a Python start spends its time (issue 17, "Start-up"): named phases in milliseconds, and
 * how many bytes were hashed. Reported in the `python started in …` debug line, so a slow start can
 * be read from the extension's log and test/bench/python.mjs can print the split.
 */
export interface PhaseClock {
  /** Closes the current phase under `name` (time since the previous mark). */
  mark(name: string): void;
  /** Adds `ms` to `name` (a phase measured apart, e.g. inside a callback). */
  add(name: string, ms: number): void;
  /** Counts bytes hashed. */
  hashed(bytes: number): void;
  /** `name wall/cpu ms, …; hashed N MB` (cpu: this process's, all threads; absent for `add`ed phases). */
  text(): string;
}

/** This process's CPU time in ms (user + system): steadier than wall time on a shared machine. */
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export function createPhaseClock(now: () => number = () => performance.now(), cpu = cpuNow): PhaseClock {
  const phases = new Map<string, number>();
  const cpuPhases = new Map<string, number>();
  let last = now();
  let lastCpu = cpu();
  let bytes = 0;
  const add = (name: string, ms: number) => phases.set(name, (phases.get(name) ?? 0) + ms);
  return {
    mark(name) {
      const t = now();
      const c = cpu();
      add(name, t - last);
      cpuPhases.set(name, (cpuPhases.get(name) ?? 0) + c - lastCpu);
      last = t;
      lastCpu = c;
    },
    add,
    hashed(n) {
      bytes += n;
    },
    text() {
      const parts = [...phases].map(([k, v]) => {
        const c = cpuPhases.get(k);
        return `${k} ${Math.round(v)}${c === undefined ? '' : `/${Math.round(c)}`}`;
      });
      return `${parts.join(', ')}; hashed ${(bytes / 1e6).toFixed(1)} MB`;
    },
  };
}
