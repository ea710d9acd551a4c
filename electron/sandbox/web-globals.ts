/**
 * The web-platform basics ordinary libraries expect, built from the start compartment's own
 * objects and hardened before a guest sees them. Each entry says what it is for and why it is
 * safe. Errors thrown by Node's implementations are Node-internal subclasses whose prototypes
 * SES does not freeze, so the wrappers rethrow them as plain intrinsic errors.
 */
import nodeCrypto from 'node:crypto';

type AnyFn = (...args: never[]) => unknown;

/** Rethrows any error from host code as a fresh intrinsic error with the same message. */
export function plainError(err: unknown): Error {
  const message = err instanceof Error && typeof err.message === 'string' ? err.message : 'operation failed';
  if (err instanceof RangeError) return new RangeError(message);
  if (err instanceof SyntaxError) return new SyntaxError(message);
  return new TypeError(message);
}

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
      nodeCrypto.randomFillSync(array);
      return array;
    },
    randomUUID(): string {
      return nodeCrypto.randomUUID();
    },
  };
}

/** URL whose constructor, `href` setter and statics never leak Node-internal error classes. */
function createGuestURL(): typeof URL {
  class GuestURL extends URL {
    constructor(url: string | URL, base?: string | URL) {
      try {
        super(url, base);
      } catch (err) {
        throw plainError(err);
      }
    }
    static override canParse(url: string, base?: string): boolean {
      try {
        return URL.canParse(url, base);
      } catch {
        return false;
      }
    }
    // Blob URLs refer to host-side registries: not part of the sandbox.
    static override createObjectURL(): string {
      throw new TypeError('URL.createObjectURL is not available in Warden extensions');
    }
    static override revokeObjectURL(): void {}
  }
  // The `href` setter parses too: wrap it like the constructor.
  const href = Object.getOwnPropertyDescriptor(URL.prototype, 'href')!;
  Object.defineProperty(GuestURL.prototype, 'href', {
    configurable: true,
    enumerable: true,
    get: href.get,
    set(this: URL, value: string) {
      try {
        Reflect.apply(href.set!, this, [value]);
      } catch (err) {
        throw plainError(err);
      }
    },
  });
  Object.defineProperty(GuestURL, 'name', { value: 'URL' });
  return GuestURL as unknown as typeof URL;
}

function createGuestURLSearchParams(): typeof URLSearchParams {
  class GuestURLSearchParams extends URLSearchParams {
    constructor(init?: ConstructorParameters<typeof URLSearchParams>[0]) {
      try {
        super(init);
      } catch (err) {
        throw plainError(err);
      }
    }
  }
  Object.defineProperty(GuestURLSearchParams, 'name', { value: 'URLSearchParams' });
  return GuestURLSearchParams;
}

export interface WebGlobalsOptions {
  reportError(err: unknown): void;
}

/** The documented endowments beyond `host`, `console` and timers (see extensions/sdk/api.d.ts). */
export function createWebGlobals(opts: WebGlobalsOptions): Record<string, unknown> {
  return {
    // Working clock and randomness (DESIGN §4). The start compartment's Date/Math are the
    // original, frozen-by-lockdown ones; the timing channel is accepted because one process
    // holds one extension, so there is no other guest to observe.
    Date,
    Math,
    crypto: createGuestCrypto(),
    URL: createGuestURL(),
    URLSearchParams: createGuestURLSearchParams(),
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
  };
}
