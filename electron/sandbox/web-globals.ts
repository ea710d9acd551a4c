/**
 * The web-platform basics ordinary libraries expect, built from the start compartment's own
 * objects and hardened before a guest sees them. Each entry says what it is for and why it is
 * safe. Errors thrown by Node's implementations are Node-internal subclasses whose prototypes
 * SES does not freeze, so every wrapper rethrows them as plain intrinsic errors, and no Node
 * object (class, iterator, error) is handed over itself.
 */
import type nodeCryptoModule from 'node:crypto';
import { GuestTextDecoder, GuestTextEncoder, GuestURL, GuestURLSearchParams, plainError } from './web-wrappers';

/** Loaded on first use: importing node:crypto costs ~10 ms of every extension's start. */
let nodeCrypto: typeof nodeCryptoModule | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cryptoModule = () => (nodeCrypto ??= require('node:crypto') as typeof nodeCryptoModule);

type AnyFn = (...args: never[]) => unknown;

function guard<F extends AnyFn>(fn: F): F {
  return function guarded(this: unknown, ...args: Parameters<F>) {
    try {
      return Reflect.apply(fn, this, args);
    } catch (err) {
      throw plainError(err);
    }
  } as F;
}

const MAX_RANDOM_BYTES = 65_536; // the Web Crypto quota

/**
 * `crypto.getRandomValues` / `crypto.randomUUID` only: id generators need them. No `subtle`, no
 * key material: the object holds two functions and nothing from the host's crypto state.
 */
function createGuestCrypto() {
  return {
    getRandomValues<T extends ArrayBufferView>(array: T): T {
      const ok =
        array instanceof Int8Array ||
        array instanceof Uint8Array ||
        array instanceof Uint8ClampedArray ||
        array instanceof Int16Array ||
        array instanceof Uint16Array ||
        array instanceof Int32Array ||
        array instanceof Uint32Array ||
        array instanceof BigInt64Array ||
        array instanceof BigUint64Array;
      if (!ok) throw new TypeError('getRandomValues: expected an integer typed array');
      if (array.byteLength > MAX_RANDOM_BYTES) {
        throw new RangeError(`getRandomValues: at most ${MAX_RANDOM_BYTES} bytes per call`);
      }
      cryptoModule().randomFillSync(array);
      return array;
    },
    randomUUID(): string {
      return cryptoModule().randomUUID();
    },
  };
}

/**
 * `performance.now()` and `performance.timeOrigin` only: schedulers and caches (rxjs's
 * `animationFrames`, TTL caches, benchmarks) read a monotonic clock there. Nothing else of Node's
 * perf_hooks (marks, observers, resource timing). `now()` is coarsened to 0.1 ms as browsers
 * do; it adds no capability beyond the working `Date` the sandbox already gives.
 */
function createGuestPerformance() {
  // Node's `performance` loads perf_hooks on first access (~1 ms): not at every start.
  let hostPerformance: typeof performance | undefined;
  const perf = () => (hostPerformance ??= performance);
  return {
    now(): number {
      return Math.floor(perf().now() * 10) / 10;
    },
    get timeOrigin(): number {
      return perf().timeOrigin;
    },
  };
}

export interface WebGlobalsOptions {
  reportError(err: unknown): void;
}

/** The documented endowments beyond `host`, `console` and timers (see extensions/sdk/api.d.ts). */
export function createWebGlobals(opts: WebGlobalsOptions): Record<string, unknown> {
  return {
    // Working clock and randomness (extensions/sdk/api.d.ts, endowments). The start compartment's Date/Math are the
    // original, frozen-by-lockdown ones; the timing channel is accepted because one process
    // holds one extension, so there is no other guest to observe.
    Date,
    Math,
    crypto: createGuestCrypto(),
    // Wrappers over Node's implementations that never expose Node's own objects (web-wrappers.ts).
    URL: GuestURL,
    URLSearchParams: GuestURLSearchParams,
    TextEncoder: GuestTextEncoder,
    TextDecoder: GuestTextDecoder,
    atob: guard(atob),
    btoa: guard(btoa),
    // Float arrays were dropped from compartments for a NaN-bit channel *between compartments
    // of one agent*; here one process runs one guest, and hash/math libraries need them.
    Float32Array,
    Float64Array,
    queueMicrotask(fn: unknown): void {
      if (typeof fn !== 'function') throw new TypeError('queueMicrotask: expected a function');
      queueMicrotask(() => {
        try {
          Reflect.apply(fn, undefined, []);
        } catch (err) {
          opts.reportError(err);
        }
      });
    },
    structuredClone: guard((value: unknown) => structuredClone(value)),
    performance: createGuestPerformance(),
  };
}
