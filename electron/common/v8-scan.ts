/**
 * A structural pre-scan of one `v8.serialize` payload (the channel's wire format): it counts the
 * values and the nesting a frame would decode to, without building any of them, so a frame over
 * its budget is refused before `v8.deserialize` spends seconds and hundreds of MiB on it (a 9 MB
 * frame of 3 000 000 empty objects blocked the host 2.6–7.3 s).
 *
 * Why a scan and not decoding on a worker thread: a worker still builds the objects (its heap is
 * the host's resident memory), and handing them back is a second structured clone on the main
 * thread. The scan allocates nothing, skips string and byte contents by their length, stops at the
 * budget, and costs a few ms for the largest frame it lets through.
 *
 * Only the tags plain data uses are known (V8's value-serializer.cc; Node writes a Buffer or typed
 * array as a host object: type, length, raw bytes); any other tag (Date, RegExp, Map, BigInt, …
 * which the protocol never carries) refuses the frame: deny by default.
 */

export interface ScanLimits {
  /** Values, keys included (each is one tag in the stream). */
  maxValues: number;
  maxDepth: number;
}

export type ScanResult = { ok: true; values: number } | { ok: false; problem: string };

const T = (c: string) => c.charCodeAt(0);
const SCALARS = new Set([T('_'), T('0'), T('T'), T('F'), T('-')]);

export function scanV8(bytes: Uint8Array, limits: ScanLimits): ScanResult {
  let i = 0;
  let values = 0;
  let depth = 0;
  const fail = (problem: string): ScanResult => ({ ok: false, problem });
  /** A base-128 varint of at most 32 bits, or -1 when it is malformed or runs off the end. */
  const varint = (): number => {
    let n = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (i >= bytes.length) return -1;
      const b = bytes[i++]!;
      n += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return n <= 0xffffffff ? n : -1;
    }
    return -1;
  };
  const skip = (n: number): boolean => {
    if (n < 0 || i + n > bytes.length) return false;
    i += n;
    return true;
  };

  while (i < bytes.length) {
    const tag = bytes[i++]!;
    if (tag === 0x00) continue; // padding (aligns two-byte strings)
    if (tag === 0xff) {
      if (varint() < 0) return fail('malformed header');
      continue;
    }
    switch (tag) {
      case T('{'): // end of object: property count
      case T('$'): // end of dense array: property count, length
      case T('@'): // end of sparse array: property count, length
        if (depth === 0) return fail('unbalanced container');
        depth--;
        if (varint() < 0 || (tag !== T('{') && varint() < 0)) return fail('malformed container end');
        continue;
      case T('?'): // object-count check V8 may write
        if (varint() < 0) return fail('malformed count');
        continue;
    }
    if (++values > limits.maxValues) return fail(`more than ${limits.maxValues} values`);
    if (SCALARS.has(tag)) continue;
    switch (tag) {
      case T('I'): // zigzag int32
      case T('U'): // uint32
      case T('^'): // reference to an earlier object (no copy is made)
        if (varint() < 0) return fail('malformed number');
        break;
      case T('N'): // double
        if (!skip(8)) return fail('truncated number');
        break;
      case T('"'): // one-byte string
      case T('c'): // two-byte string
      case T('S'): // UTF-8 string
        if (!skip(varint())) return fail('truncated string');
        break;
      case T('\\'): // Node host object: an ArrayBufferView (type index, byte length, bytes)
        if (varint() < 0 || !skip(varint())) return fail('truncated bytes');
        break;
      case T('o'): // begin object
      case T('A'): // begin dense array (length)
      case T('a'): // begin sparse array (length)
        if (tag !== T('o') && varint() < 0) return fail('malformed array');
        if (++depth > limits.maxDepth) return fail(`nested deeper than ${limits.maxDepth} levels`);
        break;
      default:
        return fail(`a value of a kind the protocol does not carry (tag 0x${tag.toString(16)})`);
    }
  }
  return depth === 0 ? { ok: true, values } : fail('truncated container');
}

/**
 * The message type (`t`), and for a call its method, read from the first bytes of a payload as
 * the sandbox writes it: `{ t, id, method, … }`, `t` first. Anything else reads as unknown (and
 * gets the smallest cap). Never throws.
 */
export function peekMessageType(prefix: Uint8Array): { t?: string; method?: string } {
  let i = 0;
  const varint = (): number => {
    let n = 0;
    for (let shift = 0; shift < 35 && i < prefix.length; shift += 7) {
      const b = prefix[i++]!;
      n += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return n;
    }
    return -1;
  };
  const oneByteString = (): string | undefined => {
    if (prefix[i++] !== T('"')) return undefined;
    const n = varint();
    if (n < 0 || n > 32 || i + n > prefix.length) return undefined;
    let s = '';
    for (let k = 0; k < n; k++) s += String.fromCharCode(prefix[i + k]!);
    i += n;
    return s;
  };
  if (prefix[i++] !== 0xff || varint() < 0 || prefix[i++] !== T('o')) return {};
  if (oneByteString() !== 't') return {};
  const t = oneByteString();
  if (t !== 'call') return { t };
  if (oneByteString() !== 'id') return { t };
  const numberTag = prefix[i++];
  if (numberTag === T('I') || numberTag === T('U')) {
    if (varint() < 0) return { t };
  } else if (numberTag === T('N')) i += 8;
  else return { t };
  if (oneByteString() !== 'method') return { t };
  return { t, method: oneByteString() };
}
