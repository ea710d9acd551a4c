/**
 * Per-extension metrics, sampled every second and kept in a ring buffer (10 minutes by default),
 * with a subscription for live views (the panel, `warden top`).
 */
export interface MetricSample {
  time: number;
  state: string;
  cpuPercent: number;
  rssBytes: number;
  heapUsed: number;
  callsPerSecond: number;
  hostCallsPerSecond: number;
  fsBytes: number;
  netBytes: number;
  denials: number;
  prompts: number;
  strikes: number;
  /** False when real CPU/memory sampling is not available on this platform. */
  sampled: boolean;
  /** Held to its CPU budget right now. */
  throttled?: boolean;
  /** The resident size at which it is killed (start size + `limits.memoryMb`), once the start size is known. */
  memoryLimitBytes?: number;
}

export interface MetricsStore {
  push(extensionId: string, sample: MetricSample): void;
  latest(extensionId: string): MetricSample | undefined;
  history(extensionId: string, sinceMs?: number): MetricSample[];
  subscribe(listener: (extensionId: string, sample: MetricSample) => void): () => void;
}

export function createMetricsStore(capacity = 600): MetricsStore {
  const rings = new Map<string, { buf: MetricSample[]; next: number }>();
  const listeners = new Set<(id: string, s: MetricSample) => void>();
  return {
    push(id, sample) {
      let ring = rings.get(id);
      if (!ring) rings.set(id, (ring = { buf: [], next: 0 }));
      if (ring.buf.length < capacity) ring.buf.push(sample);
      else ring.buf[ring.next] = sample;
      ring.next = (ring.next + 1) % capacity;
      listeners.forEach((l) => l(id, sample));
    },
    latest(id) {
      const ring = rings.get(id);
      if (!ring || ring.buf.length === 0) return undefined;
      return ring.buf[(ring.next - 1 + ring.buf.length) % ring.buf.length];
    },
    history(id, sinceMs = 0) {
      const ring = rings.get(id);
      if (!ring) return [];
      const ordered =
        ring.buf.length < capacity ? ring.buf : [...ring.buf.slice(ring.next), ...ring.buf.slice(0, ring.next)];
      return ordered.filter((s) => s.time >= sinceMs);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
