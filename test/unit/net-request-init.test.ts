import { describe, expect, it } from 'vitest';
import { WardenError } from '../../electron/common/errors';
import { prepareRequest, type RequestLimits } from '../../electron/core/gateways/net/request-init';
import { parseContentEncoding } from '../../electron/core/gateways/net/response-body';

const limits: RequestLimits = {
  maxRequestBytes: 100,
  timeoutMs: 5000,
  maxRequestHeaders: 10,
  maxRequestHeaderBytes: 1000,
};

function code(init: unknown): string {
  try {
    prepareRequest(init, limits);
  } catch (err) {
    expect(err).toBeInstanceOf(WardenError);
    return (err as WardenError).code;
  }
  return 'OK';
}

describe('net request init', () => {
  it('defaults to a GET with no headers, no body and the maximum time', () => {
    expect(prepareRequest(undefined, limits)).toEqual({
      method: 'GET',
      headers: new Map(),
      body: undefined,
      timeoutMs: 5000,
    });
  });

  it('normalises standard methods and keeps extension methods as given', () => {
    expect(prepareRequest({ method: 'post', body: 'x' }, limits).method).toBe('POST');
    expect(prepareRequest({ method: 'patch', body: 'x' }, limits).method).toBe('PATCH');
    expect(prepareRequest({ method: 'PROPFIND' }, limits).method).toBe('PROPFIND');
    for (const m of ['CONNECT', 'trace', 'TRACK', 'GET /x', '', 42]) expect(code({ method: m })).toBe('EINVAL');
  });

  it('drops hop-by-hop, routing and encoding headers; merges repeated names', () => {
    const { headers } = prepareRequest(
      {
        headers: [
          ['Host', 'evil.test'],
          ['Connection', 'close'],
          ['Keep-Alive', '1'],
          ['TE', 'trailers'],
          ['Transfer-Encoding', 'chunked'],
          ['Content-Length', '1'],
          ['Proxy-Authorization', 'Basic x'],
          ['Proxy-Anything', 'x'],
          ['Accept-Encoding', 'identity'],
          ['Expect', '100-continue'],
          ['X-A', ' one '],
          ['x-a', 'two'],
          ['Authorization', 'Bearer t'],
        ],
      },
      { ...limits, maxRequestHeaders: 20 },
    );
    expect([...headers]).toEqual([
      ['x-a', 'one, two'],
      ['authorization', 'Bearer t'],
    ]);
  });

  it('refuses header injection, bad names, non-Latin-1 values and too many or too large headers', () => {
    expect(code({ headers: { 'x-a': 'a\r\nb: c' } })).toBe('EINVAL');
    expect(code({ headers: { 'x-a': 'a\nb' } })).toBe('EINVAL');
    expect(code({ headers: { 'x-a': 'a\0b' } })).toBe('EINVAL');
    expect(code({ headers: { 'x-a': '€' } })).toBe('EINVAL');
    expect(code({ headers: { 'x a': 'b' } })).toBe('EINVAL');
    expect(code({ headers: { 'x-a': { toString: () => 'b' } } })).toBe('EINVAL');
    expect(code({ headers: 'x-a: b' })).toBe('EINVAL');
    expect(code({ headers: [['x-a']] })).toBe('EINVAL');
    expect(code({ headers: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`x-${i}`, 'v'])) })).toBe('E2BIG');
    expect(code({ headers: { 'x-a': 'v'.repeat(1000) } })).toBe('E2BIG');
    expect(code({ headers: { 'x-n': 5 } })).toBe('OK');
  });

  it('takes string and byte bodies, copies them, and caps their size', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const prepared = prepareRequest({ method: 'POST', body: bytes }, limits);
    bytes[0] = 9;
    expect([...prepared.body!]).toEqual([1, 2, 3]);
    expect(prepared.headers.has('content-type')).toBe(false);
    const str = prepareRequest({ method: 'POST', body: 'é' }, limits);
    expect([...str.body!]).toEqual([0xc3, 0xa9]);
    expect(str.headers.get('content-type')).toBe('text/plain;charset=UTF-8');
    expect(code({ method: 'POST', body: 'x'.repeat(101) })).toBe('E2BIG');
    expect(code({ body: 'x' })).toBe('EINVAL');
    expect(code({ method: 'HEAD', body: 'x' })).toBe('EINVAL');
    expect(code({ method: 'POST', body: { a: 1 } })).toBe('EINVAL');
  });

  it('clamps timeoutMs to the maximum and refuses nonsense', () => {
    expect(prepareRequest({ timeoutMs: 100 }, limits).timeoutMs).toBe(100);
    expect(prepareRequest({ timeoutMs: 1e9 }, limits).timeoutMs).toBe(5000);
    for (const t of [0, -5, NaN, Infinity, '100']) expect(code({ timeoutMs: t })).toBe('EINVAL');
  });

  it('ignores transport options an extension has no business passing', () => {
    expect(code({ dispatcher: {}, agent: {}, credentials: 'include', redirect: 'follow' })).toBe('OK');
    expect(code('GET')).toBe('EINVAL');
    expect(code([])).toBe('EINVAL');
  });
});

describe('net content codings', () => {
  it('lists the codings to undo, last applied first', () => {
    expect(parseContentEncoding(undefined)).toEqual([]);
    expect(parseContentEncoding('identity')).toEqual([]);
    expect(parseContentEncoding('GZIP')).toEqual(['gzip']);
    expect(parseContentEncoding('x-gzip')).toEqual(['gzip']);
    expect(parseContentEncoding('deflate, br')).toEqual(['br', 'deflate']);
    expect(parseContentEncoding('gzip, zstd')).toBeNull();
    expect(() => parseContentEncoding('gzip, gzip, gzip, gzip')).toThrow(WardenError);
  });
});
