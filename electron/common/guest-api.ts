/**
 * The guest API: what an extension's `host` object is, written once. The sandbox builds it
 * (sandbox/host-api.ts, `satisfies Host`), the host performs its calls (core/host-api/), and the
 * SDK's self-contained copy for authors (extensions/sdk/api.d.ts, which `warden init` copies into
 * new projects) is held to it at compile time by extensions/sdk/api-contract.ts.
 */
import type { DenyReason, HostErrorCode } from './errors';
import type { Capability } from './protocol';
import type { DataValue } from './data-value';

export type { Capability, DataValue, DenyReason };

/** The codes a failed `host` call rejects with. */
export type WardenErrorCode = HostErrorCode;

/** What a failed `host` call rejects with, as the extension sees it. */
export interface GuestError extends Error {
  code: WardenErrorCode;
  /** Why a permission was refused (only with `EPERM`). */
  reason?: DenyReason;
}

/** What a command handler may return (normalised by common/command-result.ts). */
export type GuestCommandResult =
  | string
  | { type: 'text'; text: string }
  | { type: 'markdown'; markdown: string }
  | { type: 'table'; columns: string[]; rows: Array<Array<string | number | boolean | null>> }
  | { type: 'json'; value: DataValue }
  | DataValue
  | undefined;

export interface CommandCall {
  progress(fraction: number | null, message?: string): void;
  readonly cancelled: boolean;
  onCancel(fn: () => void): void;
}

export type CommandHandler = (
  args: { [name: string]: DataValue },
  call: CommandCall,
) => GuestCommandResult | Promise<GuestCommandResult>;

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

/** A response as the host sends it (the sandbox adds `ok`, `text()` and `json()`). */
export interface FetchResult {
  status: number;
  statusText: string;
  url: string;
  headers: { [name: string]: string };
  body: Uint8Array;
}

export interface FetchResponse extends FetchResult {
  ok: boolean;
  text(): string;
  json(): unknown;
}

export type PermissionState = 'granted' | 'prompt' | 'denied';

export interface Host {
  readonly extension: { readonly id: string; readonly version: string; readonly apiVersion: string };
  readonly commands: {
    register(id: string, handler: CommandHandler): { dispose(): void };
  };
  readonly fs: {
    readText(path: string): Promise<string>;
    readBytes(path: string): Promise<Uint8Array>;
    /** @deprecated since API 1.0.0, removed in 2.0.0: use readText (same argument and result). */
    read(path: string): Promise<string>;
    writeText(path: string, text: string): Promise<void>;
    writeBytes(path: string, bytes: Uint8Array): Promise<void>;
    list(dir: string): Promise<DirEntry[]>;
    stat(path: string): Promise<FileStat>;
    mkdir(path: string, options?: { recursive?: boolean }): Promise<void>;
    remove(path: string, options?: { recursive?: boolean }): Promise<void>;
    pickFile(options?: { title?: string; filters?: string[] }): Promise<string | null>;
    pickDirectory(options?: { title?: string }): Promise<string | null>;
  };
  readonly net: {
    fetch(url: string, init?: FetchInit): Promise<FetchResponse>;
  };
  readonly storage: {
    get(key: string): Promise<DataValue | undefined>;
    set(key: string, value: DataValue): Promise<void>;
    delete(key: string): Promise<boolean>;
    keys(): Promise<string[]>;
  };
  readonly secrets: {
    get(name: string): Promise<string>;
  };
  readonly ui: {
    notify(message: string, options?: { level?: 'info' | 'warning' | 'error' }): Promise<void>;
  };
  readonly permissions: {
    query(capability: Capability, target?: string): Promise<PermissionState>;
    request(capability: Capability, target?: string, reason?: string): Promise<PermissionState>;
  };
  readonly log: {
    debug(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
  };
}
