/**
 * Length-prefixed frames over a byte stream (4-byte big-endian length, then the payload).
 *
 * Why not Node's built-in fork IPC: its parser throws an uncaught SyntaxError in the *parent*
 * on one malformed line from the child and buffers an unterminated line without bound, so a
 * hostile child could crash or exhaust the host. Here an oversized frame is skipped without
 * being buffered, and a payload that fails to decode is reported, never thrown.
 */

export interface FrameDecoderEvents {
  frame(payload: Uint8Array): void;
  /** A frame longer than the limit was announced; its bytes are being discarded. */
  oversize(length: number): void;
}

export interface FrameDecoder {
  push(chunk: Uint8Array): void;
  /** Bytes held for an incomplete frame (bounded by the limit). */
  readonly buffered: number;
}

export function encodeFrame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length, false);
  out.set(payload, 4);
  return out;
}

export function createFrameDecoder(maxFrameBytes: number, events: FrameDecoderEvents): FrameDecoder {
  const header = new Uint8Array(4);
  let headerFill = 0;
  let body: Uint8Array | null = null;
  let bodyFill = 0;
  let skipRemaining = 0;

  function push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (skipRemaining > 0) {
        const n = Math.min(skipRemaining, chunk.length - offset);
        skipRemaining -= n;
        offset += n;
        continue;
      }
      if (body === null) {
        const n = Math.min(4 - headerFill, chunk.length - offset);
        header.set(chunk.subarray(offset, offset + n), headerFill);
        headerFill += n;
        offset += n;
        if (headerFill < 4) return;
        headerFill = 0;
        const length = new DataView(header.buffer).getUint32(0, false);
        if (length > maxFrameBytes) {
          skipRemaining = length;
          events.oversize(length);
          continue;
        }
        if (length === 0) {
          events.frame(new Uint8Array(0));
          continue;
        }
        body = new Uint8Array(length);
        bodyFill = 0;
      }
      const n = Math.min(body.length - bodyFill, chunk.length - offset);
      body.set(chunk.subarray(offset, offset + n), bodyFill);
      bodyFill += n;
      offset += n;
      if (bodyFill === body.length) {
        const done = body;
        body = null;
        events.frame(done);
      }
    }
  }

  return {
    push,
    get buffered() {
      return body === null ? headerFill : bodyFill;
    },
  };
}
