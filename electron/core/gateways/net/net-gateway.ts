/**
 * The net gateway: performs `host.net.fetch` for one extension (patterns: url-policy.ts; addresses: ip-ranges.ts).
 *
 * For the URL the extension names, and again for every redirect hop:
 *  1. parse and normalise with WHATWG URL (url-policy.ts): http/https, no userinfo, IDNA,
 *     lowercase, trailing dot removed, no fragment;
 *  2. `authorize({capability:'net', target: url.href})` — the broker matches the declared
 *     patterns; a refusal is EPERM with the broker's reason;
 *  3. resolve the host here (or take the IP literal) and classify every address (ip-ranges.ts);
 *     any non-public address is EPERM/'denied' unless `allowPrivate(url, address)` (a declared
 *     pattern names that address literal or localhost, or the admin policy allows it);
 *  4. connect only to those checked addresses (pinned-exchange.ts), so DNS rebinding between the
 *     check and the connection is impossible;
 *  5. redirects are followed by hand, at most `maxRedirects`; 303 (and 301/302 after a POST)
 *     become GET without a body; 307/308 keep method and body; https→http is refused; credentials
 *     (Authorization, Cookie) are dropped when the origin changes.
 * The whole call is bounded by `timeoutMs` (time spent waiting for a permission answer excluded),
 * the response by `maxResponseBytes` received and decoded, and by header count and size.
 *
 * Errors are WardenErrors with short messages that name only what the extension (or a redirect)
 * named: never a resolved address, a host stack or a host object.
 */
import dns from 'node:dns';
import net from 'node:net';
import { denialError } from '../../permissions/denial';
import { WardenError } from '../../../common/errors';
import type { Authorizer } from '../../permissions/types';
import { classifyAddress, describeAddressClass, type AddressClass } from './ip-ranges';
import { startExchange, type CheckedAddress, type ExchangeResponse } from './pinned-exchange';
import { BODY_HEADERS, CREDENTIAL_HEADERS, prepareRequest, type NetFetchInit } from './request-init';
import { ACCEPT_ENCODING, readResponseBody } from './response-body';
import { bareHostname, isIpLiteral, normalizeRequestUrl, sameOrigin } from './url-policy';
import { netTarget } from './net-target';

export type { NetFetchInit };

export interface NetLimits {
  /** Largest response body, received and decoded. Default 10 MiB. */
  maxResponseBytes: number;
  /** Default and maximum time for a whole fetch, redirects included. Default 30 s. */
  timeoutMs: number;
  /** Redirects followed before failing with ENET. Default 5. */
  maxRedirects: number;
  /** Largest request body. Default 10 MiB. */
  maxRequestBytes: number;
  /** Largest response header block (bytes). Default 64 KiB. */
  maxResponseHeaderBytes: number;
  /** Most response header lines. Default 256. */
  maxResponseHeaders: number;
  /** Most request headers an extension may pass. Default 100. */
  maxRequestHeaders: number;
  /** Largest request header block an extension may pass (bytes). Default 32 KiB. */
  maxRequestHeaderBytes: number;
}

export const DEFAULT_NET_LIMITS: Readonly<NetLimits> = Object.freeze({
  maxResponseBytes: 10 * 1024 * 1024,
  timeoutMs: 30_000,
  maxRedirects: 5,
  maxRequestBytes: 10 * 1024 * 1024,
  maxResponseHeaderBytes: 64 * 1024,
  maxResponseHeaders: 256,
  maxRequestHeaders: 100,
  maxRequestHeaderBytes: 32 * 1024,
});

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface NetGatewayOptions {
  authorize: Authorizer['authorize'];
  /** Resolves a DNS name (never an IP literal). Default: `dns.promises.lookup(name, {all: true})`. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
  /**
   * May this URL reach this non-public (loopback/private/link-local/metadata…) address? Asked for
   * every such address of every hop; see `createLocalAccessRule` (local-access.ts) for the rule.
   */
  allowPrivate: (url: URL, address: AddressClass) => boolean;
  limits?: Partial<NetLimits>;
  /** Extra trusted CA certificates (PEM), e.g. an enterprise root; the system roots still apply. */
  ca?: readonly (string | Buffer)[];
}

export interface NetResponse {
  status: number;
  statusText: string;
  /** The final URL, after redirects (normalised, no fragment). */
  url: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface NetFetchContext {
  /** Aborts the fetch with ECANCELED (the command was cancelled, the extension stopped…). */
  signal?: AbortSignal;
}

export interface NetGateway {
  fetch(url: string, init?: NetFetchInit, context?: NetFetchContext): Promise<NetResponse>;
}

const MAX_ADDRESSES = 32;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const defaultResolve = async (hostname: string): Promise<ResolvedAddress[]> =>
  dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * The time budget of one fetch, as an AbortSignal that fires with ETIMEDOUT (or ECANCELED when
 * the caller's signal fires). Paused while waiting for a permission decision: a user reading a
 * prompt is not the network being slow.
 */
function createClock(timeoutMs: number, external: AbortSignal | undefined) {
  const controller = new AbortController();
  let remaining = timeoutMs;
  let startedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const expire = () =>
    controller.abort(new WardenError('ETIMEDOUT', `net: the request did not complete within ${timeoutMs} ms`));
  const run = () => {
    startedAt = performance.now();
    timer = setTimeout(expire, Math.max(0, remaining));
  };
  const cancel = () => controller.abort(new WardenError('ECANCELED', 'net: the request was cancelled'));
  if (external?.aborted) cancel();
  else external?.addEventListener('abort', cancel, { once: true });
  run();
  return {
    signal: controller.signal,
    pause() {
      if (timer === undefined) return;
      clearTimeout(timer);
      timer = undefined;
      remaining -= performance.now() - startedAt;
    },
    resume() {
      if (timer === undefined && !controller.signal.aborted) run();
    },
    dispose() {
      clearTimeout(timer);
      timer = undefined;
      external?.removeEventListener('abort', cancel);
    },
  };
}

/** Settles with the promise, or rejects with the signal's reason as soon as it aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host down',
  ENETDOWN: 'network down',
  EADDRNOTAVAIL: 'address not available',
  ENOTFOUND: 'host not found',
  UND_ERR_SOCKET: 'connection closed unexpectedly',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_DESTROYED: 'connection closed',
  UND_ERR_ABORTED: 'request aborted',
};

const TLS_CODE_RE = /^(?:ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_OSSL)/;

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; errors?: unknown[]; cause?: unknown };
  if (typeof e?.code === 'string' && e.code !== 'ETIMEDOUT') return e.code;
  // Happy-eyeballs failures are AggregateErrors: the first attempt's code is the useful one.
  if (Array.isArray(e?.errors) && e.errors.length > 0) return errorCode(e.errors[0]) ?? (e.code as string);
  if (typeof e?.code === 'string') return e.code;
  if (e?.cause !== undefined && e.cause !== err) return errorCode(e.cause);
  return undefined;
}

/** Maps a transport failure to a WardenError that names only the URL's host. */
function toNetError(err: unknown, url: URL): WardenError {
  if (err instanceof WardenError) return err;
  const host = url.hostname;
  const code = errorCode(err) ?? '';
  if (code === 'ETIMEDOUT' || code.endsWith('_TIMEOUT')) {
    return new WardenError('ETIMEDOUT', `net: ${host} did not answer in time`);
  }
  if (code === 'UND_ERR_HEADERS_OVERFLOW') {
    return new WardenError('E2BIG', `net: the response headers from ${host} are too large`);
  }
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return new WardenError('E2BIG', `net: the response from ${host} is too large`);
  }
  if (TLS_CODE_RE.test(code)) {
    return new WardenError('ENET', `net: TLS with ${host} failed (${code})`);
  }
  if (code.startsWith('HPE_') || code === 'UND_ERR_INFO' || code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
    return new WardenError('ENET', `net: ${host} sent an invalid HTTP response`);
  }
  const text = CONNECT_ERRORS[code];
  return new WardenError('ENET', `net: request to ${host} failed (${text ?? 'network error'})`);
}

function responseHeaders(raw: Buffer[], max: number): Record<string, string> {
  if (raw.length / 2 > max) throw new WardenError('E2BIG', `net: the response has more than ${max} headers`);
  const merged = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('latin1');
    const prev = merged.get(name);
    merged.set(name, prev === undefined ? value : `${prev}, ${value}`);
  }
  return Object.fromEntries(merged);
}

function firstHeader(raw: Buffer[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toString('latin1').toLowerCase() === name) return raw[i + 1]!.toString('latin1');
  }
  return undefined;
}

export function createNetGateway(options: NetGatewayOptions): NetGateway {
  const limits: NetLimits = { ...DEFAULT_NET_LIMITS, ...options.limits };
  const resolve = options.resolve ?? defaultResolve;

  async function authorizeUrl(url: URL, hop: number, clock: ReturnType<typeof createClock>): Promise<void> {
    clock.pause();
    let decision;
    const t = netTarget(url); // as permissions.query/request name it
    try {
      decision = await raceAbort(
        options.authorize({ capability: 'net', target: t.canonical, display: t.display }),
        clock.signal,
      );
    } catch (err) {
      if (err instanceof WardenError) throw err;
      throw new WardenError('EINTERNAL', 'net: the permission check failed');
    } finally {
      clock.resume();
    }
    if (!decision.allow) {
      throw denialError('net', hop === 0 ? url.href : `${url.origin} (redirect)`, decision.reason);
    }
  }

  function allowsPrivate(url: URL, c: AddressClass): boolean {
    try {
      return options.allowPrivate(url, c) === true;
    } catch {
      throw new WardenError('EINTERNAL', 'net: the permission check failed');
    }
  }

  /** Resolves (or takes the literal) and checks every address; returns the ones to connect to. */
  async function checkedAddresses(url: URL, signal: AbortSignal): Promise<CheckedAddress[]> {
    const host = bareHostname(url);
    let answers: unknown;
    if (isIpLiteral(url)) answers = [{ address: host, family: net.isIP(host) }];
    else {
      try {
        answers = await raceAbort(resolve(host), signal);
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        if (err instanceof WardenError) throw err;
        throw new WardenError('ENET', `net: could not resolve ${host}`);
      }
    }
    if (!Array.isArray(answers) || answers.length === 0) {
      throw new WardenError('ENET', `net: could not resolve ${host}`);
    }
    const checked: CheckedAddress[] = [];
    let refused: AddressClass | undefined;
    for (const answer of answers.slice(0, MAX_ADDRESSES) as unknown[]) {
      const address = (answer as { address?: unknown })?.address;
      const family = typeof address === 'string' ? net.isIP(address) : 0;
      if (typeof address !== 'string' || family === 0) {
        throw new WardenError('ENET', `net: could not resolve ${host}`);
      }
      const c = classifyAddress(address);
      if (c.kind !== 'public' && refused === undefined && !allowsPrivate(url, c)) refused = c;
      checked.push({ address, family: family as 4 | 6 });
    }
    if (refused !== undefined) {
      const what = isIpLiteral(url) ? `${url.hostname} is` : `${host} resolves to`;
      throw new WardenError(
        'EPERM',
        `net: ${what} ${describeAddressClass(refused)}; only a pattern naming that address (or localhost), or an admin policy, can reach it`,
        { reason: 'denied' },
      );
    }
    return checked;
  }

  async function fetch(input: string, init?: NetFetchInit, context?: NetFetchContext): Promise<NetResponse> {
    const prepared = prepareRequest(init, limits);
    let url = normalizeRequestUrl(input);
    const clock = createClock(prepared.timeoutMs, context?.signal);
    let method = prepared.method;
    let body = prepared.body;
    const headers = new Map(prepared.headers);
    headers.set('accept-encoding', ACCEPT_ENCODING);
    try {
      for (let hop = 0; ; hop++) {
        await authorizeUrl(url, hop, clock);
        const addresses = await checkedAddresses(url, clock.signal);
        const exchange = startExchange({
          url,
          addresses,
          method,
          headers,
          body,
          signal: clock.signal,
          timeoutMs: prepared.timeoutMs,
          maxHeaderBytes: limits.maxResponseHeaderBytes,
          ca: options.ca,
        });
        let res: ExchangeResponse;
        try {
          res = await exchange.response;
          const location = firstHeader(res.rawHeaders, 'location');
          if (REDIRECT_STATUSES.has(res.status) && location !== undefined) {
            res.body.destroy();
            if (hop >= limits.maxRedirects) {
              throw new WardenError('ENET', `net: too many redirects (more than ${limits.maxRedirects})`);
            }
            let target: string;
            try {
              target = new URL(location, url).href;
            } catch {
              throw new WardenError('ENET', `net: ${url.hostname} sent an invalid redirect location`);
            }
            const next = normalizeRequestUrl(target);
            if (url.protocol === 'https:' && next.protocol === 'http:') {
              throw new WardenError('EPERM', `net: a redirect from https to http (${next.origin}) was refused`, {
                reason: 'denied',
              });
            }
            if (
              res.status === 303 ? method !== 'HEAD' : (res.status === 301 || res.status === 302) && method === 'POST'
            ) {
              method = 'GET';
              body = undefined;
              for (const h of BODY_HEADERS) headers.delete(h);
            }
            if (!sameOrigin(url, next)) for (const h of CREDENTIAL_HEADERS) headers.delete(h);
            url = next;
            continue;
          }
          const responseHeadersOut = responseHeaders(res.rawHeaders, limits.maxResponseHeaders);
          const noBody = method === 'HEAD' || res.status === 204 || res.status === 304;
          const bytes = noBody
            ? (res.body.destroy(), new Uint8Array(0))
            : await readResponseBody(
                res.body,
                responseHeadersOut['content-encoding'],
                limits.maxResponseBytes,
                clock.signal,
              );
          return {
            status: res.status,
            statusText: res.statusText,
            url: url.href,
            headers: responseHeadersOut,
            body: bytes,
          };
        } finally {
          exchange.close();
        }
      }
    } catch (err) {
      if (err instanceof WardenError) throw err;
      if (clock.signal.aborted) throw clock.signal.reason;
      throw toNetError(err, url);
    } finally {
      clock.dispose();
    }
  }

  return { fetch };
}
