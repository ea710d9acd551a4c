/**
 * Rewrites the maximum of a WebAssembly module's (first) memory, on a copy. Pyodide's memory is
 * exported, not imported, so JavaScript cannot clamp it from outside and V8's heap limit does not
 * bound it; with the maximum lowered, an allocation above it fails *inside* wasm and Python
 * raises MemoryError (../shared/research/python-runtime.md §8). The new value is written in the
 * same LEB128 width, so no offset in the module moves.
 */
export function capWasmMemory(input: Uint8Array, maxPages: number): Buffer {
  const b = Buffer.from(input); // a copy: the shipped bytes stay as hashed
  const leb = (o: number) => {
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
  };
  if (b.readUInt32LE(0) !== 0x6d736100) throw new Error('not a WebAssembly module');
  let o = 8; // after magic + version
  while (o < b.length) {
    const id = b[o]!;
    const size = leb(o + 1);
    const body = o + 1 + size.n;
    if (id === 5) {
      let p = body + leb(body).n; // vector count
      const flags = b[p++]!;
      if (!(flags & 1)) throw new Error('the wasm memory has no maximum');
      const min = leb(p);
      p += min.n;
      const max = leb(p);
      const pages = Math.max(min.v, Math.min(maxPages, max.v));
      if (pages >= 2 ** (7 * max.n)) throw new Error('the memory maximum does not fit the existing width');
      for (let i = 0; i < max.n; i++) b[p + i] = ((pages >> (7 * i)) & 0x7f) | (i < max.n - 1 ? 0x80 : 0);
      return b;
    }
    o = body + size.v;
  }
  throw new Error('the wasm module has no memory section');
}

/** The memory maximum (pages) a module declares, for tests. */
export function wasmMemoryMax(input: Uint8Array): number | undefined {
  const b = input;
  const leb = (o: number) => {
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
  };
  let o = 8;
  while (o < b.length) {
    const id = b[o]!;
    const size = leb(o + 1);
    const body = o + 1 + size.n;
    if (id === 5) {
      let p = body + leb(body).n;
      const flags = b[p++]!;
      if (!(flags & 1)) return undefined;
      p += leb(p).n;
      return leb(p).v;
    }
    o = body + size.v;
  }
  return undefined;
}
