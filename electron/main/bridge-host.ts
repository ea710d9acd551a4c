/**
 * What the Electron adapters need from the host core: answer a bridge method, push events, and
 * shut down. `createAppHost` (electron/core/app/app-host.ts) returns an object of this shape; the IPC
 * layer and the app lifecycle see only this interface, so they are tested with a fake.
 */
import type { BridgeHost } from '../common/bridge/bridge-host';
import type { Launcher, Logger, ProcSampler, SecretStore, Picker } from '../core';

export type { BridgeHost };

/** The host as the app owns it: a bridge host that stops every extension on `close()`. */
export interface AppHostLike extends BridgeHost {
  close(): Promise<void>;
}

/** The Electron implementations of the core's ports, handed to the host factory. */
export interface ElectronHostOptions {
  mode: 'electron';
  /** Where the host keeps its state: Electron's `userData` folder. */
  dataDir: string;
  appVersion: string;
  /** The sample extensions shipped with the app (extraResources `extensions`), if present. */
  examplesDir: string | undefined;
  /** `utilityProcess.fork` per extension. */
  launcher: Launcher;
  /** CPU and memory of an extension process, from `app.getAppMetrics()`. */
  sample: ProcSampler;
  /** Secrets encrypted with `safeStorage` (the OS keychain). */
  secrets: SecretStore;
  /** The native open dialog. */
  picker: Picker;
  /** `app.openExternal`: http(s) only, after the user confirms; resolves whether it was opened. */
  openExternal(url: string): Promise<boolean>;
  logger: Logger;
}

export type AppHostFactory = (options: ElectronHostOptions) => AppHostLike | Promise<AppHostLike>;
