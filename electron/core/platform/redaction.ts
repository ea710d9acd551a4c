/**
 * Redaction of secrets from everything the host writes down or shows: audit records, prompts
 * and through them the panel. Two nets:
 *   1. every stored secret value the host has handed out (learned where the value leaves the
 *      store), in plain and URL-encoded form, wherever it appears in a string;
 *   2. credentials by shape, whoever made them up: well-known query/form parameters (`api_key=`,
 *      `token=`, `sig=`…), `Authorization`-style schemes (`Bearer …`, `Basic …`) and the password
 *      of a URL's user info.
 * The request itself is not changed: only what is recorded or displayed about it.
 */

export const REDACTED = '[redacted]';

/** Shorter values would redact ordinary text ("1", "ok"): they are caught by shape only. */
const MIN_SECRET_LENGTH = 4;
/** Bounded: values are remembered per host, and a host serves a bounded set of secrets. */
const MAX_SECRETS = 1000;

const PARAM_NAMES = [
  'api[-_]?key',
  'apikey',
  'key',
  'token',
  'access[-_]?token',
  'refresh[-_]?token',
  'id[-_]?token',
  'auth[-_]?token',
  'auth',
  'password',
  'passwd',
  'pwd',
  'pass',
  'secret',
  'client[-_]?secret',
  'sig',
  'signature',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'session[-_]?id',
  'private[-_]?token',
];
const PARAMS = new RegExp(`([?&;#]|^)((?:${PARAM_NAMES.join('|')})=)[^&;#\\s"'<>]+`, 'gi');
const SCHEMES = /\b(Bearer|Basic|Digest|Token|Bot)\s+[A-Za-z0-9._~+/=-]{4,}/g;
const HEADERS =
  /\b(authorization|proxy-authorization|x-api-key|api-key|cookie|set-cookie)(["']?\s*[:=]\s*["']?)[^"',;\n]+/gi;
const USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^/\s@]+@/gi;
/** A character every credential shape needs (PARAMS '=', SCHEMES a space, HEADERS ':' or '=', USERINFO ':'). */
const MAY_HAVE_SHAPE = /[=:\s]/;

export interface Redactor {
  /** Remembers a secret value: from now on it is redacted wherever it appears. */
  add(value: string): void;
  /** The text with every known secret value and every credential-shaped part replaced. */
  text(value: string): string;
}

export function createRedactor(): Redactor {
  // Longest first, so a value containing another is replaced whole.
  let values: string[] = [];
  return {
    add(value) {
      if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
      const forms = new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
      const next = new Set(values);
      for (const f of forms) if (f.length >= MIN_SECRET_LENGTH) next.add(f);
      values = [...next].sort((a, b) => b.length - a.length).slice(0, MAX_SECRETS);
    },
    text(value) {
      let out = value;
      for (const v of values) if (out.includes(v)) out = out.split(v).join(REDACTED);
      // Every shape below needs '=', ':' or a space: most recorded strings (ids, paths, methods)
      // have none, and one scan for them costs less than four pattern searches that cannot match.
      if (!MAY_HAVE_SHAPE.test(out)) return out;
      return out
        .replace(PARAMS, `$1$2${REDACTED}`)
        .replace(SCHEMES, `$1 ${REDACTED}`)
        .replace(HEADERS, `$1$2${REDACTED}`)
        .replace(USERINFO, `$1${REDACTED}@`);
    },
  };
}
