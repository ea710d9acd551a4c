import { describe, expect, it } from 'vitest';
import { createFrameDecoder, encodeFrame } from '../../electron/common/frame-codec';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A decoder that records what it emits. */
function recorder(max: number) {
  const frames: string[] = [];
  const oversize: number[] = [];
  const decoder = createFrameDecoder(max, {
    frame: (p) => frames.push(text(p)),
    oversize: (n) => oversize.push(n),
  });
  return { decoder, frames, oversize };
}

/** A header announcing `length` bytes, without any body. */
function header(length: number): Uint8Array {
  const h = new Uint8Array(4);
  new DataView(h.buffer).setUint32(0, length, false);
  return h;
}

describe('frame codec', () => {
  it('encodes a 4-byte big-endian length before the payload', () => {
    expect([...encodeFrame(bytes('hi'))]).toEqual([0, 0, 0, 2, 0x68, 0x69]);
    expect([...encodeFrame(new Uint8Array(300)).subarray(0, 4)]).toEqual([0, 0, 1, 44]);
  });

  it('decodes a stream split at every byte boundary', () => {
    const stream = concat(encodeFrame(bytes('first frame')), encodeFrame(bytes('')), encodeFrame(bytes('second')));
    for (let cut = 0; cut <= stream.length; cut++) {
      const r = recorder(1024);
      r.decoder.push(stream.subarray(0, cut));
      r.decoder.push(stream.subarray(cut));
      expect(r.frames, `cut at ${cut}`).toEqual(['first frame', '', 'second']);
      expect(r.decoder.buffered).toBe(0);
    }
  });

  it('decodes a stream fed one byte at a time', () => {
    const stream = concat(encodeFrame(bytes('a')), encodeFrame(bytes('bc')), encodeFrame(bytes('def')));
    const r = recorder(1024);
    for (const b of stream) r.decoder.push(Uint8Array.of(b));
    expect(r.frames).toEqual(['a', 'bc', 'def']);
  });

  it('decodes many frames delivered in one chunk', () => {
    const payloads = Array.from({ length: 500 }, (_, i) => `message ${i}`);
    const r = recorder(1024);
    r.decoder.push(concat(...payloads.map((p) => encodeFrame(bytes(p)))));
    expect(r.frames).toEqual(payloads);
    expect(r.decoder.buffered).toBe(0);
  });

  it('emits a zero-length frame as an empty payload', () => {
    const seen: Uint8Array[] = [];
    const decoder = createFrameDecoder(16, { frame: (p) => seen.push(p), oversize: () => {} });
    decoder.push(encodeFrame(new Uint8Array(0)));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.length).toBe(0);
  });

  it('counts a partial frame as buffered until it completes', () => {
    const r = recorder(1024);
    const frame = encodeFrame(bytes('hello'));
    r.decoder.push(frame.subarray(0, 2));
    expect(r.decoder.buffered).toBe(2);
    r.decoder.push(frame.subarray(2, 6));
    expect(r.decoder.buffered).toBe(2); // two body bytes of five
    expect(r.frames).toEqual([]);
    r.decoder.push(frame.subarray(6));
    expect(r.frames).toEqual(['hello']);
    expect(r.decoder.buffered).toBe(0);
  });

  it('accepts a frame of exactly the limit', () => {
    const r = recorder(8);
    r.decoder.push(encodeFrame(bytes('12345678')));
    expect(r.frames).toEqual(['12345678']);
    expect(r.oversize).toEqual([]);
  });

  it('skips an oversized frame without buffering it, then resynchronises', () => {
    const r = recorder(8);
    const big = 1_000_000;
    r.decoder.push(concat(encodeFrame(bytes('before')), header(big)));
    expect(r.frames).toEqual(['before']);
    expect(r.oversize).toEqual([big]);
    // Stream the oversized body in pieces: nothing of it is ever held.
    const piece = new Uint8Array(64 * 1024).fill(0xff);
    let sent = 0;
    while (sent + piece.length <= big) {
      r.decoder.push(piece);
      sent += piece.length;
      expect(r.decoder.buffered).toBe(0);
    }
    // The body's last bytes and the next frame arrive in the same chunk.
    r.decoder.push(concat(new Uint8Array(big - sent).fill(0xff), encodeFrame(bytes('after'))));
    expect(r.frames).toEqual(['before', 'after']);
    expect(r.oversize).toEqual([big]);
  });

  it('resynchronises after an oversized frame at every split of the following stream', () => {
    const stream = concat(header(20), new Uint8Array(20).fill(1), encodeFrame(bytes('ok')), encodeFrame(bytes('x')));
    for (let cut = 0; cut <= stream.length; cut++) {
      const r = recorder(4);
      r.decoder.push(stream.subarray(0, cut));
      r.decoder.push(stream.subarray(cut));
      expect(r.frames, `cut at ${cut}`).toEqual(['ok', 'x']);
      expect(r.oversize).toEqual([20]);
    }
  });

  it('hands out a payload that later chunks do not overwrite', () => {
    const seen: Uint8Array[] = [];
    const decoder = createFrameDecoder(64, { frame: (p) => seen.push(p), oversize: () => {} });
    const chunk = concat(encodeFrame(bytes('one')), encodeFrame(bytes('two')));
    decoder.push(chunk);
    chunk.fill(0);
    expect(seen.map(text)).toEqual(['one', 'two']);
  });
});
