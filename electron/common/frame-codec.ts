/**
 * Length-prefixed frames over a byte stream (4-byte big-endian length, then the payload).
 *
 * Why not Node's built-in fork IPC: its parser throws an uncaught SyntaxError in the *parent*
 * on one malformed line from the child and buffers an unterminated line without bound, so a
 * hostile child could crash or exhaust the host. Here an oversized frame is skipped without
 * being buffered, and a payload that fails to decode is reported, never thrown.
 */

export interface FrameDecoderEvents<C = undefined> {
  /** A whole frame, with what `classify` said about it. */
  frame(payload: Uint8Array, kind: C | undefined): void;
  /** A frame longer than the limit (of its kind) was announced; its bytes are being discarded. */
  oversize(length: number, kind: C | undefined): void;
}

/**
 * A cap per kind of frame, judged on the declared length before the body is buffered: the decoder
 * reads the first `peekBytes` of a body, asks `classify` what kind of frame it is and how large it
 * may be, and skips the rest unread when it announced more.
 */
export interface FrameClassifier<C> {
  peekBytes: number;
  classify(prefix: Uint8Array): C & { maxBytes: number };
}

export interface FrameDecoder {
  push(chunk: Uint8Array): void;
  /** Bytes held for an incomplete frame (bounded by the limit). */
  readonly buffered: number;
}

/** The 4-byte length header alone (a sender that writes the payload after it, uncopied). */
export function frameHeader(length: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, length, false);
  return out;
}

export function encodeFrame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length, false);
  out.set(payload, 4);
  return out;
}

export function createFrameDecoder<C = undefined>(
  maxFrameBytes: number,
  events: FrameDecoderEvents<C>,
  classifier?: FrameClassifier<C>,
): FrameDecoder {
  const header = new Uint8Array(4);
  let headerFill = 0;
  let body: Uint8Array | null = null;
  let bodyFill = 0;
  let skipRemaining = 0;
  // The frame whose first bytes are being read before it is judged (classifier only).
  let peek: Uint8Array | null = null;
  let peekFill = 0;
  let peekLength = 0;
  let kind: (C & { maxBytes: number }) | undefined;

  /** The peeked bytes are in: judge the frame; start its body, or skip it. */
  function judged(): void {
    const prefix = peek!.subarray(0, peekFill);
    peek = null;
    kind = classifier!.classify(prefix);
    if (peekLength > kind.maxBytes) {
      skipRemaining = peekLength - peekFill;
      const k = kind;
      kind = undefined;
      events.oversize(peekLength, k);
      return;
    }
    if (peekFill === peekLength) return emit(prefix.slice());
    body = new Uint8Array(peekLength);
    body.set(prefix);
    bodyFill = peekFill;
  }

  function emit(payload: Uint8Array): void {
    const k = kind;
    kind = undefined;
    events.frame(payload, k);
  }

  function push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (skipRemaining > 0) {
        const n = Math.min(skipRemaining, chunk.length - offset);
        skipRemaining -= n;
        offset += n;
        continue;
      }
      if (peek !== null) {
        const n = Math.min(peek.length - peekFill, chunk.length - offset);
        peek.set(chunk.subarray(offset, offset + n), peekFill);
        peekFill += n;
        offset += n;
        if (peekFill === peek.length) judged();
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
          events.oversize(length, undefined);
          continue;
        }
        if (classifier) {
          peek = new Uint8Array(Math.min(classifier.peekBytes, length));
          peekFill = 0;
          peekLength = length;
          if (peek.length === 0) judged();
          continue;
        }
        if (length === 0) {
          emit(new Uint8Array(0));
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
        emit(done);
      }
    }
  }

  return {
    push,
    get buffered() {
      return peek !== null ? peekFill : body === null ? headerFill : bodyFill;
    },
  };
}
