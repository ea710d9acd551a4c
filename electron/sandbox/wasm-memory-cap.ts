/**
 * Rewrites the maximum of a WebAssembly module's (first) memory (on a copy unless asked otherwise). Pyodide's memory is
 * exported, not imported, so JavaScript cannot clamp it from outside and V8's heap limit does not
 * bound it; with the maximum lowered, an allocation above it fails *inside* wasm and Python
 * raises MemoryError (../shared/research/python-runtime.md §8). The new value is written in the
 * same LEB128 width, so no offset in the module moves.
 */

/** An unsigned LEB128 at `o`: its value and its width in bytes. */
function readLeb(b: Uint8Array, o: number): { v: number; n: number } {
  let v = 0;
  let s = 0;
  let n = 0;
  let x: number;
  do {
    x = b[o + n++]!;
    v += (x & 0x7f) * 2 ** s;
    s += 7;
  } while (x & 0x80);
  return { v, n };
}

/** Where the first memory's limits start (its flags byte), or undefined without a memory section. */
function memoryLimitsAt(b: Uint8Array): number | undefined {
  let o = 8; // after magic + version
  while (o < b.length) {
    const id = b[o]!;
    const size = readLeb(b, o + 1);
    const body = o + 1 + size.n;
    if (id === 5) return body + readLeb(b, body).n; // past the vector count
    o = body + size.v;
  }
  return undefined;
}

/**
 * `inPlace`: rewrites `input` itself (the caller's own copy of the file: copying ~10 MB again costs
 * tens of ms of page faults per start). Otherwise a copy, and the input stays as it was.
 */
export function capWasmMemory(input: Uint8Array, maxPages: number, o: { inPlace?: boolean } = {}): Buffer {
  const b = o.inPlace ? Buffer.from(input.buffer, input.byteOffset, input.byteLength) : Buffer.from(input);
  if (b.readUInt32LE(0) !== 0x6d736100) throw new Error('not a WebAssembly module');
  let p = memoryLimitsAt(b);
  if (p === undefined) throw new Error('the wasm module has no memory section');
  const flags = b[p++]!;
  if (!(flags & 1)) throw new Error('the wasm memory has no maximum');
  const min = readLeb(b, p);
  p += min.n;
  const max = readLeb(b, p);
  const pages = Math.max(min.v, Math.min(maxPages, max.v));
  if (pages >= 2 ** (7 * max.n)) throw new Error('the memory maximum does not fit the existing width');
  for (let i = 0; i < max.n; i++) b[p + i] = ((pages >> (7 * i)) & 0x7f) | (i < max.n - 1 ? 0x80 : 0);
  return b;
}

/** The memory maximum (pages) a module declares, for tests. */
export function wasmMemoryMax(input: Uint8Array): number | undefined {
  let p = memoryLimitsAt(input);
  if (p === undefined) return undefined;
  const flags = input[p++]!;
  if (!(flags & 1)) return undefined;
  p += readLeb(input, p).n;
  return readLeb(input, p).v;
}
