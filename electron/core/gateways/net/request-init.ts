/**
 * Validates the `init` an extension passes to `host.net.fetch` and turns it into what the gateway
 * sends. The extension's headers are sent as given, minus the ones the gateway (or HTTP itself)
 * owns, which are dropped silently as a browser's fetch does:
 *
 * - hop-by-hop and framing: Connection, Keep-Alive, Proxy-Connection, TE, Trailer,
 *   Transfer-Encoding, Upgrade, Content-Length, Expect, HTTP2-Settings;
 * - routing: Host (always the URL's host: what was authorized), Proxy-Authorization,
 *   Proxy-Authenticate;
 * - Accept-Encoding: the gateway negotiates and decodes content codings itself, so it can count
 *   decoded bytes (see response-body.ts).
 *
 * Cookie and Authorization are the extension's own business (there is no cookie jar and no host
 * credential): sent when the extension sets them, never added, and removed on a cross-origin
 * redirect. Unknown `init` keys (`dispatcher`, `agent`, `credentials`, …) are ignored: no transport
 * option is ever taken from an extension.
 */
import { WardenError } from '../../../common/errors';
import type { FetchInit } from '../../../common/guest-api';

/** The guest's `FetchInit`; in-host callers may also give headers as pairs. */
export interface NetFetchInit extends Omit<FetchInit, 'headers'> {
  headers?: FetchInit['headers'] | Array<[string, string]>;
}

export interface RequestLimits {
  maxRequestBytes: number;
  timeoutMs: number;
  maxRequestHeaders: number;
  maxRequestHeaderBytes: number;
}

export interface PreparedRequest {
  method: string;
  /** Lower-case names, one entry per name (repeated names joined with ", "). */
  headers: Map<string, string>;
  body: Buffer | undefined;
  timeoutMs: number;
}

export const DROPPED_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'expect',
  'http2-settings',
  'accept-encoding',
]);

/** Headers that describe a request body: dropped with it when a redirect turns a POST into a GET. */
export const BODY_HEADERS: readonly string[] = [
  'content-type',
  'content-encoding',
  'content-language',
  'content-location',
];

/** Headers that carry credentials: dropped on a redirect to another origin. */
export const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'cookie', 'cookie2'];

const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Refuses CR, LF, NUL and other controls (tab allowed) and anything outside Latin-1, as fetch does.
const BAD_VALUE_RE = /[^\t\x20-\x7e\x80-\xff]/;
const NORMALISED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

function prepareMethod(method: unknown): string {
  if (method === undefined) return 'GET';
  if (typeof method !== 'string' || method.length > 32 || !TOKEN_RE.test(method)) {
    throw new WardenError('EINVAL', 'net: the method must be an HTTP token like "GET" or "POST"');
  }
  const upper = method.toUpperCase();
  if (FORBIDDEN_METHODS.has(upper)) throw new WardenError('EINVAL', `net: the ${upper} method is not allowed`);
  return NORMALISED_METHODS.has(upper) ? upper : method;
}

function headerEntries(headers: unknown): Array<[unknown, unknown]> {
  if (headers === undefined || headers === null) return [];
  if (Array.isArray(headers)) {
    return headers.map((pair: unknown) => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new WardenError('EINVAL', 'net: headers must be an object or a list of [name, value] pairs');
      }
      return [pair[0], pair[1]] as [unknown, unknown];
    });
  }
  if (!isPlainObject(headers)) {
    throw new WardenError('EINVAL', 'net: headers must be an object or a list of [name, value] pairs');
  }
  return Object.keys(headers).map((k) => [k, headers[k]]);
}

function prepareHeaders(raw: unknown, limits: RequestLimits): Map<string, string> {
  const entries = headerEntries(raw);
  if (entries.length > limits.maxRequestHeaders) {
    throw new WardenError('E2BIG', `net: more than ${limits.maxRequestHeaders} request headers`);
  }
  const headers = new Map<string, string>();
  let size = 0;
  for (const [name, value] of entries) {
    if (typeof name !== 'string' || name.length > 256 || !TOKEN_RE.test(name)) {
      throw new WardenError('EINVAL', 'net: a header name is not a valid HTTP token');
    }
    let text: string;
    if (typeof value === 'string') text = value;
    else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
    else throw new WardenError('EINVAL', `net: the value of header "${name}" must be a string`);
    text = text.replace(/^[\t ]+|[\t ]+$/g, '');
    if (BAD_VALUE_RE.test(text)) {
      throw new WardenError('EINVAL', `net: the value of header "${name}" has control or non-Latin-1 characters`);
    }
    size += name.length + text.length + 4;
    if (size > limits.maxRequestHeaderBytes) {
      throw new WardenError('E2BIG', `net: request headers are larger than ${limits.maxRequestHeaderBytes} bytes`);
    }
    const key = name.toLowerCase();
    if (DROPPED_REQUEST_HEADERS.has(key) || key.startsWith('proxy-')) continue;
    const prev = headers.get(key);
    headers.set(key, prev === undefined ? text : `${prev}, ${text}`);
  }
  return headers;
}

function prepareBody(body: unknown, limits: RequestLimits): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  let buf: Buffer;
  if (typeof body === 'string') buf = Buffer.from(body, 'utf8');
  else if (body instanceof Uint8Array) buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  else if (body instanceof ArrayBuffer) buf = Buffer.from(body);
  else throw new WardenError('EINVAL', 'net: the body must be a string or a Uint8Array');
  if (buf.byteLength > limits.maxRequestBytes) {
    throw new WardenError('E2BIG', `net: the request body is larger than ${limits.maxRequestBytes} bytes`);
  }
  // Copy: the bytes sent (and re-sent on a 307/308) must not change under the gateway.
  return Buffer.from(buf);
}

/** Validates an extension's `init`; EINVAL / E2BIG on anything the gateway will not send. */
export function prepareRequest(init: unknown, limits: RequestLimits): PreparedRequest {
  if (init !== undefined && init !== null && !isPlainObject(init)) {
    throw new WardenError('EINVAL', 'net: the fetch options must be an object');
  }
  const o = (init ?? {}) as Record<string, unknown>;
  const method = prepareMethod(o.method);
  const headers = prepareHeaders(o.headers, limits);
  const body = prepareBody(o.body, limits);
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw new WardenError('EINVAL', `net: a ${method} request cannot have a body`);
  }
  if (typeof o.body === 'string' && !headers.has('content-type')) {
    headers.set('content-type', 'text/plain;charset=UTF-8'); // what fetch does for a string body
  }
  let timeoutMs = limits.timeoutMs;
  if (o.timeoutMs !== undefined) {
    if (typeof o.timeoutMs !== 'number' || !Number.isFinite(o.timeoutMs) || o.timeoutMs <= 0) {
      throw new WardenError('EINVAL', 'net: timeoutMs must be a positive number of milliseconds');
    }
    timeoutMs = Math.min(Math.ceil(o.timeoutMs), limits.timeoutMs);
  }
  return { method, headers, body, timeoutMs };
}
