/**
 * Strict JSON for every file and message that crosses a trust boundary (manifests, signature
 * files, catalogs, policy, grants, state): `JSON.parse` keeps the *last* of two equal keys, so a
 * signed manifest with two `"permissions"` shows one set to a reviewer or a tool and grants the
 * other. Here a duplicate key (compared after unescaping, so `"a"` and `"\u0061"` collide) is an
 * error, like a syntax error.
 *
 * `JSON.parse` checks the syntax first; then one linear scan over the (now known-valid) text
 * tracks, per open object, the keys seen. No recursion, so depth costs nothing but a stack entry.
 */

export class StrictJsonError extends SyntaxError {
  constructor(message: string) {
    super(message);
    this.name = 'StrictJsonError';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The first key that appears twice in one object of valid JSON `text`, or undefined. Throws when
 * containers nest deeper than `maxDepth` (a source map or manifest never does; a hostile file may).
 */
export function findDuplicateKey(text: string, maxDepth = Infinity): string | undefined {
  // One entry per open container: the object's keys, or null for an array.
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      let escaped = false;
      for (;;) {
        const d = text.charCodeAt(j);
        if (d === QUOTE) break;
        if (d === BACKSLASH) {
          escaped = true;
          j += 2;
        } else j++;
      }
      if (expectKey) {
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        const keys = stack[stack.length - 1]!;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */) {
      if (stack.length >= maxDepth) throw new StrictJsonError(`nested deeper than ${maxDepth} levels`);
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) throw new StrictJsonError(`nested deeper than ${maxDepth} levels`);
      stack.push(null);
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] instanceof Set;
    }
  }
  return undefined;
}

/** `JSON.parse` that also refuses duplicate keys; throws StrictJsonError (a SyntaxError). */
export function parseStrictJson(text: string, maxDepth = 64): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new StrictJsonError((err as Error).message);
  }
  const dup = findDuplicateKey(text, maxDepth);
  if (dup !== undefined) throw new StrictJsonError(`duplicate key ${JSON.stringify(dup.slice(0, 100))}`);
  return value;
}
