/**
 * One HTTP/1.1 request/response over a connection pinned to addresses the gateway has already
 * checked.
 *
 * A fresh undici `Client` per hop, whose connector's `lookup` answers only with the checked
 * addresses (an IP-literal URL connects to that literal, with no lookup at all): a second DNS
 * answer can never be used, whatever the resolver says later. TLS still verifies the certificate
 * and sends SNI for the URL's host name. The client has no cookie jar, no proxy (undici's `Client`
 * never reads proxy environment variables), no pooling across requests, and is destroyed after the
 * hop. A raw dispatch handler (rather than `request()`) gives the status text and raw headers.
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import { Readable } from 'node:stream';
import type { Client, Dispatcher } from 'undici';
import { bareHostname } from './url-policy';

export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

export interface ExchangeRequest {
  url: URL;
  addresses: readonly CheckedAddress[];
  method: string;
  headers: ReadonlyMap<string, string>;
  body: Buffer | undefined;
  signal: AbortSignal;
  /** Idle timeouts for connect/headers/body; the caller's signal enforces the total time. */
  timeoutMs: number;
  maxHeaderBytes: number;
  ca?: readonly (string | Buffer)[];
}

export interface ExchangeResponse {
  status: number;
  statusText: string;
  /** Raw header lines: name, value, name, value… */
  rawHeaders: Buffer[];
  body: Readable;
}

export interface Exchange {
  response: Promise<ExchangeResponse>;
  /** Tears the connection down (idempotent). */
  close(): void;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for net/tls.connect that answers only with the checked addresses. */
function pinnedLookup(hostname: string, addresses: readonly CheckedAddress[]) {
  return (name: string, options: LookupOptions, callback: LookupCallback): void => {
    const wanted = typeof options.family === 'number' && options.family !== 0 ? options.family : undefined;
    const list = addresses.filter((a) => name === hostname && (wanted === undefined || a.family === wanted));
    if (list.length === 0) {
      const err: NodeJS.ErrnoException = new Error('no checked address');
      err.code = 'ENOTFOUND';
      callback(err, '', 0);
      return;
    }
    if (options.all)
      callback(
        null,
        list.map((a) => ({ address: a.address, family: a.family })),
      );
    else callback(null, list[0]!.address, list[0]!.family);
  };
}

class ResponseHandler implements Dispatcher.DispatchHandlers {
  private abortRequest: ((err?: Error) => void) | undefined;
  private body: Readable | undefined;
  private done = false;

  constructor(
    private readonly signal: AbortSignal,
    private readonly onHead: (res: ExchangeResponse) => void,
    private readonly onFail: (err: Error) => void,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    this.abortRequest = abort;
    if (this.signal.aborted) abort(this.signal.reason as Error);
  }

  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (status < 200) return true; // 1xx informational: wait for the final response
    this.body = new Readable({
      read: () => resume(),
      destroy: (err, cb) => {
        if (!this.done) {
          this.done = true;
          this.abortRequest?.(err ?? new Error('response body discarded'));
        }
        cb(err);
      },
    });
    this.onHead({ status, statusText: statusText ?? '', rawHeaders, body: this.body });
    return true;
  }

  onData(chunk: Buffer): boolean {
    return this.body ? this.body.push(chunk) : true;
  }

  onComplete(): void {
    this.done = true;
    this.body?.push(null);
  }

  onError(err: Error): void {
    this.done = true;
    if (this.body) this.body.destroy(err);
    else this.onFail(err);
  }
}

// undici is ~0.8 MB of code whose top level runs when it is imported: loaded at the first request,
// so a CLI command or host start that never fetches does not pay for it.
let undici: Promise<typeof import('undici')> | undefined;
// A bundle that splits code (the CLI's ES modules) hands back CommonJS undici as `default` only:
// take the named exports from whichever shape arrived.
const loadUndici = () =>
  (undici ??= import('undici').then(
    (m) => ((m as { Client?: unknown }).Client ? m : (m as unknown as { default: typeof m }).default) as typeof m,
  ));

export function startExchange(req: ExchangeRequest): Exchange {
  const host = bareHostname(req.url);
  let client: Client | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    client?.destroy().catch(() => {});
  };

  const response = loadUndici().then(
    ({ Client }) =>
      new Promise<ExchangeResponse>((resolve, reject) => {
        const handler = new ResponseHandler(req.signal, resolve, reject);
        const onAbort = () => {
          reject(req.signal.reason as Error);
          close();
        };
        if (req.signal.aborted) return onAbort();
        if (closed) return reject(new Error('exchange closed'));
        client = new Client(req.url.origin, {
          connect: {
            lookup: pinnedLookup(host, req.addresses),
            timeout: req.timeoutMs,
            maxCachedSessions: 0,
            ...(req.ca ? { ca: [...req.ca] } : {}),
          },
          maxHeaderSize: req.maxHeaderBytes,
          headersTimeout: req.timeoutMs,
          bodyTimeout: req.timeoutMs,
          pipelining: 1,
        });
        req.signal.addEventListener('abort', onAbort, { once: true });
        const headers: string[] = [];
        for (const [name, value] of req.headers) headers.push(name, value);
        try {
          client.dispatch(
            {
              path: `${req.url.pathname}${req.url.search}`,
              method: req.method as Dispatcher.HttpMethod,
              headers,
              body: req.body ?? null,
            },
            handler,
          );
        } catch (err) {
          reject(err as Error);
        }
      }),
  );
  response.catch(() => close());
  return { response, close };
}
