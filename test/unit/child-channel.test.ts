// The host's end of a child's channel (core/process/child-channel.ts): a lone frame is decoded
// in the turn its bytes arrive (a host call need not wait a turn of the loop), while more than
// one batch in a turn still waits for turns of its own, and nothing is handed over before open().
import net from 'node:net';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { createChildChannel, FRAMES_PER_TURN } from '../../electron/core/process/child-channel';
import { encodeFrame } from '../../electron/common/frame-codec';

const frame = (m: unknown) => Buffer.from(encodeFrame(v8.serialize(m)));
const nextTurn = () => new Promise((r) => setImmediate(r));
const hb = (seq: number) => ({ t: 'hb', seq });

function setup() {
  const socket = new net.Socket(); // never connected: the test feeds its 'data' events
  const got: unknown[] = [];
  const violations: unknown[] = [];
  const ch = createChildChannel(socket, { message: (m) => got.push(m), violation: (v) => violations.push(v) });
  return { socket, got, violations, ch };
}

describe('child channel', () => {
  it('decodes a lone frame in the turn it arrives, and the next chunk of that turn in the next one', async () => {
    const { socket, got, ch } = setup();
    ch.open();
    socket.emit('data', frame(hb(1)));
    expect(got).toEqual([hb(1)]); // before the emit returned
    socket.emit('data', frame(hb(2)));
    expect(got).toHaveLength(1);
    await nextTurn();
    expect(got).toEqual([hb(1), hb(2)]);
    socket.emit('data', frame(hb(3))); // a new turn: at once again
    expect(got).toEqual([hb(1), hb(2), hb(3)]);
  });

  it('keeps the batch bound: of many frames in one chunk, the first batch now and the rest later, in order', async () => {
    const { socket, got, ch } = setup();
    ch.open();
    const n = 300; // many batches
    socket.emit('data', Buffer.concat(Array.from({ length: n }, (_, i) => frame(hb(i)))));
    expect(got.length).toBe(FRAMES_PER_TURN);
    for (let i = 0; i < 2 * Math.ceil(n / FRAMES_PER_TURN) && got.length < n; i++) await nextTurn();
    expect(got).toEqual(Array.from({ length: n }, (_, i) => hb(i)));
  });

  it('holds frames until open(), and still refuses an undecodable one', async () => {
    const { socket, got, violations, ch } = setup();
    socket.emit('data', frame(hb(1)));
    await nextTurn();
    expect(got).toEqual([]);
    ch.open();
    await nextTurn();
    expect(got).toEqual([hb(1)]);
    await nextTurn();
    socket.emit('data', Buffer.from(encodeFrame(new Uint8Array([0xff, 0x0f, 0x6f, 0x22, 0x01]))));
    expect(violations.length).toBe(1);
    expect(got).toHaveLength(1);
  });
});
