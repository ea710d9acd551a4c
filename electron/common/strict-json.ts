/**
 * JSON that crosses a trust boundary: `JSON.parse` keeps the last of duplicate keys silently, so
 * two readers of one file could disagree on what it says. This refuses duplicates (at any depth)
 * and over-deep nesting, after `JSON.parse` has accepted the syntax.
 */
export class StrictJsonError extends Error {}

export function parseStrictJson(text: string, maxDepth = 64): unknown {
  const value: unknown = JSON.parse(text); // syntax errors surface as they are
  const stack: Array<Set<string> | null> = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      stack.push(ch === '{' ? new Set() : null);
      if (stack.length > maxDepth) throw new StrictJsonError(`nested deeper than ${maxDepth} levels`);
    } else if (ch === '}' || ch === ']') stack.pop();
    else if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const keys = stack[stack.length - 1];
      if (keys) {
        // A string directly inside an object is a key when a colon follows it.
        let k = j + 1;
        while (text[k] === ' ' || text[k] === '\n' || text[k] === '\r' || text[k] === '\t') k++;
        if (text[k] === ':') {
          const key = JSON.parse(text.slice(i, j + 1)) as string;
          if (keys.has(key)) throw new StrictJsonError(`duplicate key ${JSON.stringify(key).slice(0, 100)}`);
          keys.add(key);
        }
      }
      i = j;
    }
  }
  return value;
}
