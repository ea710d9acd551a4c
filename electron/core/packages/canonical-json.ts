/**
 * Canonical JSON for signed payloads: object keys sorted (by UTF-16 code units, as RFC 8785),
 * no whitespace, strings escaped by JSON.stringify, and only safe integers as numbers (no
 * float formatting to disagree on). The signer and the verifier both sign/verify exactly these
 * bytes of the object they then use, so what is signed is what is used.
 */

export type CanonicalValue = null | boolean | number | string | CanonicalValue[] | { [key: string]: CanonicalValue };

export function canonicalJson(value: unknown): string {
  return encode(value, 0);
}

export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

function encode(value: unknown, depth: number): string {
  if (depth > 32) throw new TypeError('canonical JSON: nested too deeply');
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) throw new TypeError(`canonical JSON: ${value} is not a safe integer`);
      return Object.is(value, -0) ? '0' : String(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => encode(v, depth + 1)).join(',')}]`;
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new TypeError('canonical JSON: only plain objects');
      const keys = Object.keys(value).sort();
      const parts: string[] = [];
      for (const k of keys) {
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined) continue;
        parts.push(`${JSON.stringify(k)}:${encode(v, depth + 1)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON: cannot encode ${typeof value}`);
  }
}
