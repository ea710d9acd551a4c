/**
 * URL, URLSearchParams, TextEncoder and TextDecoder for guests, as wrappers that hold Node's
 * objects in private fields. A guest can reach neither Node's classes (no `extends`: the base
 * class would be `Object.getPrototypeOf(URL)`), nor Node's iterator objects (iteration goes
 * through generators of this file, whose prototypes harden() freezes), nor Node-internal error
 * classes (every call rethrows as a plain intrinsic error). Everything here is hardened with the
 * other endowments before a guest sees it.
 */

/** A fresh intrinsic error with the same message: Node-internal error classes are not frozen. */
export function plainError(err: unknown): Error {
  const message = err instanceof Error && typeof err.message === 'string' ? err.message : 'operation failed';
  if (err instanceof RangeError) return new RangeError(message);
  if (err instanceof SyntaxError) return new SyntaxError(message);
  return new TypeError(message);
}

function call<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    throw plainError(err);
  }
}

/** Lets the URL wrapper hand its live Node params to a params wrapper; never exposed. */
const ADOPT = Symbol('adopt');

export class GuestURLSearchParams {
  readonly #p: URLSearchParams;

  constructor(init?: unknown, adopt?: unknown) {
    if (init === ADOPT && adopt instanceof URLSearchParams) {
      this.#p = adopt;
      return;
    }
    const source = init instanceof GuestURLSearchParams ? init.toString() : init;
    this.#p = call(() => new URLSearchParams(source as ConstructorParameters<typeof URLSearchParams>[0]));
  }
  get size(): number {
    return this.#p.size;
  }
  append(name: unknown, value: unknown): void {
    call(() => this.#p.append(String(name), String(value)));
  }
  delete(name: unknown, value?: unknown): void {
    call(() => (value === undefined ? this.#p.delete(String(name)) : this.#p.delete(String(name), String(value))));
  }
  get(name: unknown): string | null {
    return call(() => this.#p.get(String(name)));
  }
  getAll(name: unknown): string[] {
    return call(() => [...this.#p.getAll(String(name))]);
  }
  has(name: unknown, value?: unknown): boolean {
    return call(() => (value === undefined ? this.#p.has(String(name)) : this.#p.has(String(name), String(value))));
  }
  set(name: unknown, value: unknown): void {
    call(() => this.#p.set(String(name), String(value)));
  }
  sort(): void {
    call(() => this.#p.sort());
  }
  forEach(callback: (value: string, key: string, parent: GuestURLSearchParams) => void, thisArg?: unknown): void {
    if (typeof callback !== 'function') throw new TypeError('URLSearchParams.forEach: callback must be a function');
    for (const [k, v] of this.entries()) Reflect.apply(callback, thisArg, [v, k, this]);
  }
  *entries(): Generator<[string, string]> {
    for (const [k, v] of call(() => [...this.#p.entries()])) yield [k, v];
  }
  *keys(): Generator<string> {
    for (const [k] of this.entries()) yield k;
  }
  *values(): Generator<string> {
    for (const [, v] of this.entries()) yield v;
  }
  [Symbol.iterator](): Generator<[string, string]> {
    return this.entries();
  }
  toString(): string {
    return this.#p.toString();
  }
  get [Symbol.toStringTag](): string {
    return 'URLSearchParams';
  }
}

export class GuestURL {
  readonly #u: URL;
  #params: GuestURLSearchParams | undefined;

  constructor(url: unknown, base?: unknown) {
    const text = (v: unknown) => (v instanceof GuestURL ? v.href : String(v));
    this.#u = call(() => (base === undefined ? new URL(text(url)) : new URL(text(url), text(base))));
  }
  static canParse(url: unknown, base?: unknown): boolean {
    try {
      return URL.canParse(String(url), base === undefined ? undefined : String(base));
    } catch {
      return false;
    }
  }
  // Blob URLs refer to host-side registries: not part of the sandbox.
  static createObjectURL(): string {
    throw new TypeError('URL.createObjectURL is not available in Warden extensions');
  }
  static revokeObjectURL(): void {}

  get href(): string {
    return this.#u.href;
  }
  set href(v: string) {
    call(() => (this.#u.href = String(v)));
  }
  get origin(): string {
    return this.#u.origin;
  }
  get protocol(): string {
    return this.#u.protocol;
  }
  set protocol(v: string) {
    call(() => (this.#u.protocol = String(v)));
  }
  get username(): string {
    return this.#u.username;
  }
  set username(v: string) {
    call(() => (this.#u.username = String(v)));
  }
  get password(): string {
    return this.#u.password;
  }
  set password(v: string) {
    call(() => (this.#u.password = String(v)));
  }
  get host(): string {
    return this.#u.host;
  }
  set host(v: string) {
    call(() => (this.#u.host = String(v)));
  }
  get hostname(): string {
    return this.#u.hostname;
  }
  set hostname(v: string) {
    call(() => (this.#u.hostname = String(v)));
  }
  get port(): string {
    return this.#u.port;
  }
  set port(v: string) {
    call(() => (this.#u.port = String(v)));
  }
  get pathname(): string {
    return this.#u.pathname;
  }
  set pathname(v: string) {
    call(() => (this.#u.pathname = String(v)));
  }
  get search(): string {
    return this.#u.search;
  }
  set search(v: string) {
    call(() => (this.#u.search = String(v)));
  }
  /** Live, as in the standard: changing it changes the URL and the other way round. */
  get searchParams(): GuestURLSearchParams {
    return (this.#params ??= new GuestURLSearchParams(ADOPT, this.#u.searchParams));
  }
  get hash(): string {
    return this.#u.hash;
  }
  set hash(v: string) {
    call(() => (this.#u.hash = String(v)));
  }
  toString(): string {
    return this.#u.href;
  }
  toJSON(): string {
    return this.#u.href;
  }
  get [Symbol.toStringTag](): string {
    return 'URL';
  }
}

export class GuestTextEncoder {
  readonly #e = new TextEncoder();
  get encoding(): string {
    return 'utf-8';
  }
  encode(input: unknown = ''): Uint8Array {
    return call(() => this.#e.encode(String(input)));
  }
  encodeInto(source: unknown, destination: unknown): { read: number; written: number } {
    if (!(destination instanceof Uint8Array))
      throw new TypeError('TextEncoder.encodeInto: destination must be a Uint8Array');
    const r = call(() => this.#e.encodeInto(String(source), destination));
    return { read: r.read ?? 0, written: r.written ?? 0 };
  }
  get [Symbol.toStringTag](): string {
    return 'TextEncoder';
  }
}

export class GuestTextDecoder {
  readonly #d: InstanceType<typeof TextDecoder>;
  constructor(label: unknown = 'utf-8', options?: { fatal?: unknown; ignoreBOM?: unknown }) {
    const opts = { fatal: Boolean(options?.fatal), ignoreBOM: Boolean(options?.ignoreBOM) };
    this.#d = call(() => new TextDecoder(String(label), opts));
  }
  get encoding(): string {
    return this.#d.encoding;
  }
  get fatal(): boolean {
    return this.#d.fatal;
  }
  get ignoreBOM(): boolean {
    return this.#d.ignoreBOM;
  }
  decode(input?: unknown, options?: { stream?: unknown }): string {
    return call(() =>
      this.#d.decode(input as Parameters<InstanceType<typeof TextDecoder>['decode']>[0], {
        stream: Boolean(options?.stream),
      }),
    );
  }
  get [Symbol.toStringTag](): string {
    return 'TextDecoder';
  }
}

for (const [cls, name] of [
  [GuestURL, 'URL'],
  [GuestURLSearchParams, 'URLSearchParams'],
  [GuestTextEncoder, 'TextEncoder'],
  [GuestTextDecoder, 'TextDecoder'],
] as const) {
  Object.defineProperty(cls, 'name', { value: name });
}
