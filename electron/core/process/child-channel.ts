/**
 * The host's end of one child's channel (a socket of length-prefixed `v8.serialize` frames), with
 * the cost of both directions bounded:
 *
 * - In: a frame's declared length is judged against the cap of its message type from its first
 *   bytes, before its body is buffered (protocol-limits.ts); a whole frame is pre-scanned for its
 *   value count and depth before `v8.deserialize` builds anything (v8-scan.ts). Frames are decoded
 *   in batches with a turn of the event loop between them (a batch ends early once it has
 *   decoded many values; of a turn's batches only the first is decoded as its bytes arrive),
 *   and reading pauses while undecoded frames wait.
 * - Out: bytes queued to the child are counted; past MAX_QUEUED_OUTBOUND_BYTES the host stops
 *   reading from it (no new work while it does not take its replies), and `outbound()` says how
 *   long the queue has gone without the child taking anything (its owner kills a child that
 *   does not read). `send`'s callback runs once the message has left.
 */
import type { Socket } from 'node:net';
import v8 from 'node:v8';
import { createFrameDecoder, frameHeader } from '../../common/frame-codec';
import {
  childFrameClass,
  FRAME_PEEK_BYTES,
  MAX_MESSAGE_BYTES,
  MAX_QUEUED_OUTBOUND_BYTES,
  type FrameClass,
} from '../../common/protocol-limits';
import { peekMessageType, scanV8 } from '../../common/v8-scan';
import type { HostMessage } from '../../common/protocol';
import type { ChannelViolation, OutboundState } from './launcher';

/**
 * Frames of one child decoded (and their calls started) per turn of the host's loop. Small, so that
 * a child flooding the host with calls holds its loop for short slices and the other children and
 * the panel get turns in between: with two extensions sending waves of 1 000 host calls, the
 * host's loop-delay p99 was ~34 ms at 128 frames a turn, ~21 ms at 16 (test/bench/governance.mjs).
 * A legitimate burst of calls is not measurably slower (a turn costs microseconds).
 */
export const FRAMES_PER_TURN = 16;
/** Values decoded in one turn of the host's loop before the rest wait for the next one. */
const VALUES_PER_TURN = 50_000;
/**
 * Undecoded frames held before reading from the child pauses: the rest wait in the socket (and in
 * the child), not as objects on the host's heap, whose young-generation collections grew with them.
 */
const BACKLOG_PAUSE_FRAMES = 256;
const BACKLOG_PAUSE_BYTES = 8 * 1024 * 1024;

export interface ChildChannel {
  /** Starts handing decoded frames over (frames are held until the child's wall is confirmed). */
  open(): void;
  send(message: HostMessage, onFlushed?: () => void): void;
  outbound(): OutboundState;
}

export function createChildChannel(
  channel: Socket,
  on: { message(m: unknown): void; violation(v: ChannelViolation): void },
): ChildChannel {
  const queue: Array<{ payload: Uint8Array; kind: FrameClass }> = [];
  let queuedIn = 0;
  let draining = false;
  let open = false;

  // Reading pauses while undecoded frames wait or the child is not taking its replies.
  const updatePause = () => {
    const pause =
      queue.length > BACKLOG_PAUSE_FRAMES ||
      queuedIn > BACKLOG_PAUSE_BYTES ||
      channel.writableLength >= MAX_QUEUED_OUTBOUND_BYTES;
    if (pause && !channel.isPaused()) channel.pause();
    else if (!pause && channel.isPaused() && !channel.destroyed) channel.resume();
  };

  const drain = () => {
    draining = false;
    if (!open) return;
    let values = 0;
    for (let n = 0; n < FRAMES_PER_TURN && values < VALUES_PER_TURN && queue.length > 0; n++) {
      const { payload, kind } = queue.shift()!;
      queuedIn -= payload.length;
      const scan = scanV8(payload, kind);
      if (!scan.ok) {
        on.violation({ kind: 'over-budget', type: kind.type, problem: scan.problem });
        continue;
      }
      values += scan.values;
      let message: unknown;
      try {
        message = v8.deserialize(payload);
      } catch {
        on.violation({ kind: 'undecodable' });
        continue;
      }
      on.message(message);
    }
    if (queue.length > 0) schedule();
    updatePause();
  };
  const schedule = () => {
    if (draining) return;
    draining = true;
    setImmediate(drain);
  };

  const decoder = createFrameDecoder<FrameClass>(
    MAX_MESSAGE_BYTES,
    {
      frame(payload, kind) {
        queue.push({ payload, kind: kind! });
        queuedIn += payload.length;
      },
      oversize(bytes, kind) {
        on.violation({ kind: 'oversize', bytes, ...(kind ? { type: kind.type } : {}) });
      },
    },
    { peekBytes: FRAME_PEEK_BYTES, classify: (prefix) => childFrameClass(peekMessageType(prefix)) },
  );
  // One batch a turn may be decoded as its bytes arrive: a lone call need not wait for the next
  // turn of the loop. Any more (later chunks of the same turn, the rest of a long batch) wait
  // for turns of their own, as before.
  let decodedThisTurn = false;
  const newTurn = () => {
    decodedThisTurn = false;
  };
  channel.on('data', (chunk: Buffer) => {
    decoder.push(chunk);
    if (queue.length === 0) return;
    updatePause();
    if (draining || decodedThisTurn || !open) return schedule();
    decodedThisTurn = true;
    setImmediate(newTurn);
    drain();
  });

  // Frames sent in one tick leave in one writev: a burst of replies costs one syscall.
  let corked = false;
  const uncork = () => {
    corked = false;
    channel.uncork();
  };
  // Since when bytes have waited with none taken (0: nothing waits).
  let waitingSince = 0;

  return {
    open() {
      open = true;
      if (queue.length > 0) schedule();
    },
    send(message, onFlushed) {
      if (channel.destroyed) return void onFlushed?.();
      if (!corked) {
        corked = true;
        channel.cork();
        process.nextTick(uncork);
      }
      if (channel.writableLength === 0) waitingSince = Date.now();
      // Header and payload as two writes (one writev while corked): no copy of a large reply.
      const payload = v8.serialize(message);
      channel.write(frameHeader(payload.length));
      channel.write(payload, () => {
        // Taken (or the channel is gone): the child is reading, and the queue may have room.
        waitingSince = channel.writableLength > 0 ? Date.now() : 0;
        updatePause();
        onFlushed?.();
      });
      updatePause();
    },
    outbound() {
      const queuedBytes = channel.writableLength;
      return { queuedBytes, stalledMs: queuedBytes > 0 && waitingSince > 0 ? Date.now() - waitingSince : 0 };
    },
  };
}
