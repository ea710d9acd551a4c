/** Small display formatters shared by the views. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB" (binary multiples, as memory is reported). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v.toFixed(0) : v < 10 ? v.toFixed(1) : v.toFixed(0)} ${UNITS[u]}`;
}

/** 1536 → "1.5K", 3 MiB → "3.0M": for tight table cells. */
export function formatBytesShort(bytes: number): string {
  const long = formatBytes(bytes);
  return long === '—' ? long : long.replace(/ ([KMGT])B$/, '$1').replace(/ B$/, 'B');
}

/** Bytes → megabytes with one decimal ("12.3"). */
export function formatMb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

/** Local wall-clock time with seconds ("14:03:27"). */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Local date and time ("2025-03-04 14:03"). */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Milliseconds as a short duration ("850 ms", "2.4 s", "3 min"). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

// C0/C1 controls except tab and newline, and the bidi marks, embeddings, overrides and isolates.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from an extension, made safe to show as one line: control and bidi-override characters
 * (which could make text read differently from what it is) are replaced, and it is capped.
 */
export function plainText(text: string, max = 500): string {
  const cleaned = text.replace(UNSAFE_CHARS, '\uFFFD');
  return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}

/** Whether two instants fall on the same local calendar day. */
function sameDay(a: number, b: number): boolean {
  const x = new Date(a);
  const y = new Date(b);
  return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate();
}

/**
 * When something happened, for a log: relative today ("just now", "42 s ago", "5 min ago",
 * "3 h ago"), "yesterday 14:03", and a date on other days ("2025-03-04 14:03").
 */
export function formatWhen(ms: number, now: number): string {
  if (sameDay(ms, now)) {
    const ago = now - ms;
    if (ago < 5_000) return 'just now';
    if (ago < 60_000) return `${Math.floor(ago / 1000)} s ago`;
    if (ago < 3_600_000) return `${Math.floor(ago / 60_000)} min ago`;
    if (ago >= 0) return `${Math.floor(ago / 3_600_000)} h ago`;
  }
  if (sameDay(ms, now - 86_400_000)) return `yesterday ${formatDateTime(ms).slice(11)}`;
  return formatDateTime(ms);
}

/** The full local date and time with seconds ("2025-03-04 14:03:27"), for tooltips. */
export function formatFullDateTime(ms: number): string {
  return `${formatDateTime(ms).slice(0, 10)} ${formatTime(ms)}`;
}
