/**
 * Reads a response body under a byte cap, decoding content codings itself.
 *
 * The gateway asks for `accept-encoding: gzip, deflate, br` and decodes with zlib streams in a
 * stream pipeline, counting both the bytes received and the bytes decoded: past the cap the
 * pipeline is torn down (which aborts the connection) and the call fails with E2BIG. zlib streams
 * honour back-pressure, so a decompression bomb costs at most the cap plus a few buffers of memory
 * and stops as soon as the cap is crossed. Unknown codings are passed through undecoded, as a
 * browser does; the response headers are returned as received.
 */
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { WardenError } from '../../../common/errors';

type Coding = 'gzip' | 'deflate' | 'br';

export const ACCEPT_ENCODING = 'gzip, deflate, br';
const MAX_CODINGS = 3;

/** The codings to undo, first to last; null when one is unknown (the body is passed through). */
export function parseContentEncoding(header: string | undefined): Coding[] | null {
  if (header === undefined) return [];
  const applied = header
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '' && s !== 'identity');
  const codings: Coding[] = [];
  for (const c of applied) {
    if (c === 'gzip' || c === 'x-gzip') codings.push('gzip');
    else if (c === 'deflate') codings.push('deflate');
    else if (c === 'br') codings.push('br');
    else return null;
  }
  if (codings.length > MAX_CODINGS) throw new WardenError('ENET', 'net: the response has too many content codings');
  return codings.reverse();
}

function decoder(coding: Coding, firstByte: number | undefined): NodeJS.ReadWriteStream {
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  if (coding === 'gzip') return zlib.createGunzip(flush);
  if (coding === 'br') {
    return zlib.createBrotliDecompress({
      flush: zlib.constants.BROTLI_OPERATION_FLUSH,
      finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
    });
  }
  // "deflate" should be zlib-wrapped; some servers send raw deflate. A zlib header's low nibble
  // is 8 (the deflate method); tell them apart by the first byte, as undici's fetch does.
  return firstByte === undefined || (firstByte & 0x0f) === 0x08
    ? zlib.createInflate(flush)
    : zlib.createInflateRaw(flush);
}

const tooBig = (max: number) =>
  new WardenError('E2BIG', `net: the response body is larger than ${max} bytes (the limit)`);

const isZlibError = (err: unknown) => {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('Z_') || code.includes('BROTLI'));
};

// stream.pipeline's typings cannot express a variable number of stages with generator functions.
const runPipeline = pipeline as unknown as (...stages: unknown[]) => Promise<void>;

/**
 * Reads `body` whole, decoded, into one Uint8Array of at most `maxBytes` (received and decoded).
 * Rejects with E2BIG past the cap, ENET when the body cannot be decoded, or with whatever the
 * stream failed with (the caller maps transport errors and aborts).
 */
export async function readResponseBody(
  body: Readable,
  contentEncoding: string | undefined,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const codings = parseContentEncoding(contentEncoding) ?? [];
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let firstChunk: Buffer | undefined;
  try {
    const first = await iterator.next();
    if (first.done) return new Uint8Array(0);
    firstChunk = first.value;
  } catch (err) {
    body.destroy();
    throw err;
  }

  let received = 0;
  // Past the cap, the pipeline tears every stage down; with stacked decoders a stage's AbortError
  // can win the race to reject it, so the cap's own error is kept and reported (always E2BIG).
  let capped: WardenError | undefined;
  const overCap = () => (capped ??= tooBig(maxBytes));
  async function* source() {
    yield firstChunk!;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  async function* countReceived(chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) {
      received += chunk.byteLength;
      if (received > maxBytes) throw overCap();
      yield chunk;
    }
  }
  const parts: Buffer[] = [];
  let decoded = 0;
  async function collect(chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) {
      decoded += chunk.byteLength;
      if (decoded > maxBytes) throw overCap();
      parts.push(chunk);
    }
  }

  const decoders = codings.map((c, i) => decoder(c, i === 0 ? firstChunk![0] : undefined));
  try {
    await runPipeline(source, countReceived, ...decoders, collect, { signal });
  } catch (err) {
    if (capped) throw capped;
    if (isZlibError(err)) {
      throw new WardenError('ENET', `net: the response body could not be decoded (${codings.join(', ')})`);
    }
    throw err;
  } finally {
    body.destroy();
  }
  const out = new Uint8Array(decoded);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}
