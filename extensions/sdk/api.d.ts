/**
 * The Warden extension API: what an extension bundle can use.
 *
 * An extension is a CommonJS bundle (`dist/extension.js`, made by `warden build`) that exports
 * `activate(host)` and optionally `deactivate()` (an ES module's `export default { activate }` or
 * `export default function activate(host)` works too). It runs in its own process inside an SES
 * compartment: there is no `require`, `process`, `fetch` or `import()`. Everything outside the
 * extension goes through `host`, which checks the manifest's permissions.
 *
 * Every `host` call that fails rejects with an `Error` whose `code` is a `WardenErrorCode`
 * (`EPERM` errors also carry a `reason`). Messages never contain host paths or stacks.
 *
 * Limits (manifest.json `limits`, all optional; an admin policy may lower the I/O budgets):
 * - `memoryMb` (default 128): memory the extension may add — JS heap and ArrayBuffers alike — on
 *   top of what its sandbox process used when it started, before the extension's code ran (about
 *   50 MB of Node, SES and the sandbox runtime, measured for each process). Above it the process
 *   is killed and the command fails with `EQUOTA` ("memory: … above its limit of N MB"); so does
 *   a JS heap that runs out (the heap cap is `memoryMb` too).
 * - `hostCallsPerSecond` (default 10000): `host.*` calls of any kind.
 * - `netRequestsPerMinute` (600) and `netMbPerMinute` (256): `host.net.fetch` requests, and bytes
 *   sent plus received.
 * - `fsMbPerMinute` (512): bytes read and written through `host.fs` (user files and the private
 *   data folder), `host.storage` (values set and values read back) and `host.secrets`.
 * Over a budget a call rejects with `ERATE` naming it (`limits.netRequestsPerMinute`, …) and has
 * no effect; what is read is counted before it is delivered, so a read that overdraws its budget
 * is refused too, and later calls are refused until the budget has refilled (it refills evenly
 * over the minute). Every kill is a strike; three strikes within 10 minutes, in one host or across
 * separate `warden run`s, quarantine the extension until `warden release <id>`.
 */

export type WardenErrorCode =
  | 'EPERM'
  | 'ENOENT'
  | 'EEXIST'
  | 'EISDIR'
  | 'ENOTDIR'
  | 'EINVAL'
  | 'E2BIG'
  | 'EQUOTA'
  | 'ERATE'
  | 'ETIMEDOUT'
  | 'ECANCELED'
  | 'ENET'
  | 'EINTERNAL'
  /** A host call removed from this API version (it was deprecated first; the message names its replacement). */
  | 'ENOSYS';

export interface WardenError extends Error {
  code: WardenErrorCode;
  /** Why a permission was refused (only with `EPERM`). */
  reason?: 'undeclared' | 'denied' | 'policy' | 'timeout';
}

/** Plain data that can cross to the host: JSON values plus `Uint8Array`. */
export type DataValue = null | boolean | number | string | Uint8Array | DataValue[] | { [key: string]: DataValue };

export type CommandResult =
  | string
  | { type: 'text'; text: string }
  | { type: 'markdown'; markdown: string }
  | { type: 'table'; columns: string[]; rows: Array<Array<string | number | boolean | null>> }
  | { type: 'json'; value: DataValue }
  /** Any other plain value is shown as JSON; `undefined` as an empty result. */
  | DataValue
  | undefined;

export interface CommandCall {
  /** Reports progress (0..1, or null when unknown); at most ~20 updates a second are sent. */
  progress(fraction: number | null, message?: string): void;
  /** True once the user or a timeout cancelled the call. */
  readonly cancelled: boolean;
  /** Runs `fn` when the call is cancelled (at once if it already was). */
  onCancel(fn: () => void): void;
}

export type CommandHandler = (
  args: { [name: string]: DataValue },
  call: CommandCall,
) => CommandResult | Promise<CommandResult>;

export interface DirEntry {
  name: string;
  kind: 'file' | 'directory' | 'other';
  size: number;
}

export interface FileStat {
  kind: 'file' | 'directory' | 'other';
  size: number;
  mtimeMs: number;
}

export interface FetchInit {
  method?: string;
  headers?: { [name: string]: string };
  body?: string | Uint8Array;
  timeoutMs?: number;
}

export interface FetchResponse {
  status: number;
  statusText: string;
  url: string;
  ok: boolean;
  headers: { [name: string]: string };
  body: Uint8Array;
  text(): string;
  json(): unknown;
}

export type Capability = 'fs.read' | 'fs.write' | 'net' | 'secrets' | 'notifications';
export type PermissionState = 'granted' | 'prompt' | 'denied';

export interface Host {
  /**
   * Synchronous: the running extension's identity, and `apiVersion`, the version of this API the
   * host implements (semver; what manifest.json `engines.warden` is checked against).
   */
  readonly extension: { readonly id: string; readonly version: string; readonly apiVersion: string };

  readonly commands: {
    /** Registers a handler for a command declared in manifest.json `contributes.commands` (sync). */
    register(id: string, handler: CommandHandler): { dispose(): void };
  };

  /**
   * Files. A relative path is inside the extension's private data folder (always allowed, within
   * `limits.storageMb`); `~/…` is the user's home and absolute paths are absolute — both need a
   * declared `fs.read`/`fs.write` permission and the user's consent. Symbolic links are not
   * followed. Warden's own files (its data folder, its code) are never reachable, whatever is
   * granted: `EPERM` with reason `policy`. A read on a file system that stops answering (a hung
   * network mount) fails with `ETIMEDOUT`.
   */
  readonly fs: {
    readText(path: string): Promise<string>;
    readBytes(path: string): Promise<Uint8Array>;
    /**
     * @deprecated since API 1.0.0, removed in 2.0.0: the old name of `readText` (same argument
     * and result). It still works; the host logs and audits each use, `warden validate` warns,
     * and from API 2.0.0 it rejects with `ENOSYS`.
     */
    read(path: string): Promise<string>;
    writeText(path: string, text: string): Promise<void>;
    writeBytes(path: string, bytes: Uint8Array): Promise<void>;
    list(dir: string): Promise<DirEntry[]>;
    stat(path: string): Promise<FileStat>;
    mkdir(path: string, options?: { recursive?: boolean }): Promise<void>;
    remove(path: string, options?: { recursive?: boolean }): Promise<void>;
    /** The user chooses a file; the choice is the grant. Resolves to its path, or null if cancelled. */
    pickFile(options?: { title?: string; filters?: string[] }): Promise<string | null>;
    pickDirectory(options?: { title?: string }): Promise<string | null>;
  };

  readonly net: {
    /**
     * HTTP(S) performed by the host, for URLs matching a declared `net` pattern. Counts against
     * `limits.netRequestsPerMinute` and `limits.netMbPerMinute` (`ERATE` beyond).
     */
    fetch(url: string, init?: FetchInit): Promise<FetchResponse>;
  };

  /**
   * Private JSON key/value storage, persisted, within `limits.storageMb`. Values set and values
   * read back count against `limits.fsMbPerMinute`. Each key is written on its own and atomically;
   * a value's JSON is at most 16 MiB (`E2BIG`), and at most 10 000 keys are kept (`EQUOTA`).
   */
  readonly storage: {
    get(key: string): Promise<DataValue | undefined>;
    set(key: string, value: DataValue): Promise<void>;
    delete(key: string): Promise<boolean>;
    keys(): Promise<string[]>;
  };

  readonly secrets: {
    /** A value the user entered for a secret name declared in manifest.json. */
    get(name: string): Promise<string>;
  };

  readonly ui: {
    /** Needs `"notifications": true`. A burst of 5, then about one every 3 s; beyond that, `ERATE`. */
    notify(message: string, options?: { level?: 'info' | 'warning' | 'error' }): Promise<void>;
  };

  /**
   * `target` is what the permission is about: a path for `fs.read`/`fs.write` (relative paths,
   * the private data folder, are always granted), an absolute http(s) URL for `net`, a declared
   * name for `secrets`; `notifications` takes none. A missing target rejects with `EINVAL`.
   * The answer is about the very target the call would be checked for: a path by its real path
   * (through symlinks, even for a file not yet created), a URL as `host.net.fetch` normalises it;
   * a target the call itself would refuse (a URL with a user name, not http(s)) rejects with `EINVAL`.
   */
  readonly permissions: {
    query(capability: Capability, target?: string): Promise<PermissionState>;
    /** Asks ahead of use; `reason` (short, plain text) is shown in the host's prompt. */
    request(capability: Capability, target?: string, reason?: string): Promise<PermissionState>;
  };

  /**
   * Goes to the host's log, tagged with the extension id (so does `console`; `console.warn`,
   * `error`, `assert` and `trace` add where they were called from). Locations name your source
   * files and lines when the bundle has its source map (`warden build` writes `<main>.map`).
   */
  readonly log: {
    debug(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
  };
}

declare global {
  /** The only authority an extension holds (hardened: it cannot be modified). */
  const host: Host;

  // Endowments beyond the standard JavaScript globals SES gives every compartment (Object,
  // Array, Promise, Map, JSON, Intl-free String methods, typed arrays, TextEncoder/TextDecoder…):
  // console (forwarded to the host log), setTimeout/clearTimeout/setInterval/clearInterval
  // (numeric handles, at most 10 000 live), URL, URLSearchParams, atob, btoa, a working Date and
  // Math.random, crypto.getRandomValues/randomUUID, queueMicrotask, structuredClone,
  // performance.now()/timeOrigin, Float32Array/Float64Array, and `global`/`self` as aliases of
  // `globalThis`. What ordinary npm libraries need, and what does not work, is in
  // extensions/sdk/COMPATIBILITY.md.
  // `eval` and `new Function` work, confined to the compartment's globals.
}

export {};
