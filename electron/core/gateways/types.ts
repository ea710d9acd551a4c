/** What the host-API handler needs from the I/O gateways (implemented in gateways/fs and gateways/net). */
import type { DirEntry, FetchInit, FetchResult, FileStat } from '../../common/guest-api';
import type { CanonicalTarget } from './target';

export type { FetchInit, FetchResult };

export interface FsGatewayLike {
  readBytes(p: string): Promise<Uint8Array>;
  writeBytes(p: string, bytes: Uint8Array): Promise<void>;
  list(p: string): Promise<DirEntry[]>;
  stat(p: string): Promise<FileStat>;
  mkdir(p: string, options: { recursive: boolean }): Promise<void>;
  remove(p: string, options: { recursive: boolean }): Promise<void>;
  /** True for a real path among Warden's own files, which no grant reaches (optional for fakes). */
  protects?(realPath: string): boolean;
  /** The target its checks of `p` name (fs/fs-target.ts; optional for fakes). */
  canonical?(p: string): Promise<CanonicalTarget>;
}

export interface NetGatewayLike {
  fetch(url: string, init?: FetchInit): Promise<FetchResult>;
}

/** The user chooses a file or folder (native dialog in the app, terminal or script in the CLI). */
export interface Picker {
  pick(request: { extensionName: string; kind: 'file' | 'directory'; title?: string }): Promise<string | null>;
}
