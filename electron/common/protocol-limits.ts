/**
 * Protocol constants without schema code: the sandbox imports these, and must not load zod
 * (its module initialisation costs ~50 ms once SES has locked the intrinsics down).
 */

/** Largest message either side accepts; larger frames are skipped unread and counted. */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
export const MAX_LOG_TEXT = 8 * 1024;
/** A virtual clock moves at most this far in one message (about 30 years). */
export const MAX_CLOCK_ADVANCE_MS = 1e12;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * What one frame from an extension process may cost the host, by message type, judged before its
 * body is read (`maxBytes`, on the declared length) and before it is decoded (`maxValues` and
 * `maxDepth`, by a structural pre-scan: v8-scan.ts). Most messages are small; only a command's
 * result and the calls that carry data (a stored value, a file's contents, a request body) may be
 * large. The value budget of a large one is what the data limits let through (200 000 values, each
 * with its key, at depth 64, plus the envelope).
 */
export interface FrameClass {
  type: string;
  maxBytes: number;
  maxValues: number;
  maxDepth: number;
}

const KiB = 1024;
const small = (type: string, maxBytes: number): FrameClass => ({ type, maxBytes, maxValues: 256, maxDepth: 8 });
const DATA_VALUES = 2 * 200_000 + 64;
const large = (type: string): FrameClass => ({
  type,
  maxBytes: MAX_MESSAGE_BYTES,
  maxValues: DATA_VALUES,
  maxDepth: 64 + 4,
});

const CHILD_FRAMES: Record<string, FrameClass> = {
  hello: small('hello', 1 * KiB),
  stopped: small('stopped', 1 * KiB),
  hb: small('hb', 1 * KiB),
  // MAX_LOG_TEXT characters, two bytes each at worst.
  log: small('log', 2 * MAX_LOG_TEXT + 1 * KiB),
  progress: small('progress', 4 * KiB),
  // Up to 1 000 command ids of 128 characters.
  ready: { type: 'ready', maxBytes: 512 * KiB, maxValues: 1100, maxDepth: 4 },
  // An error with its stack and source location.
  'load-failed': { type: 'load-failed', maxBytes: 256 * KiB, maxValues: 256, maxDepth: 8 },
  result: large('result'),
};

/** Calls whose arguments carry data; every other call's arguments are a few short strings. */
const DATA_CALLS = new Set(['storage.set', 'fs.writeText', 'fs.writeBytes', 'net.fetch', 'ui.notify']);
const SMALL_CALL: FrameClass = { type: 'call', maxBytes: 64 * KiB, maxValues: 256, maxDepth: 8 };
/** A frame whose first bytes are not a message the sandbox writes: it gets the smallest cap. */
const UNKNOWN_FRAME = small('unknown', 4 * KiB);

export function childFrameClass(peeked: { t?: string; method?: string }): FrameClass {
  if (peeked.t === 'call') {
    return peeked.method !== undefined && DATA_CALLS.has(peeked.method) ? large(`call ${peeked.method}`) : SMALL_CALL;
  }
  return (
    (peeked.t !== undefined && Object.hasOwn(CHILD_FRAMES, peeked.t) ? CHILD_FRAMES[peeked.t] : undefined) ??
    UNKNOWN_FRAME
  );
}

/** Bytes of a frame's body read to tell its type (and a call's method) before it is buffered. */
export const FRAME_PEEK_BYTES = 64;

/**
 * Bytes queued to one extension process and not yet taken by it. Past this, the host starts no
 * new host call for it and stops reading from it; one that takes nothing for its watchdog's
 * hang time is killed as not reading its channel.
 */
export const MAX_QUEUED_OUTBOUND_BYTES = 8 * 1024 * 1024;
