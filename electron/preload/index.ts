// The preload entry (dist/preload/index.cjs, one bundled file: a sandboxed preload can load only `electron`).
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadBridge } from './preload-bridge';

contextBridge.exposeInMainWorld('warden', createPreloadBridge(ipcRenderer));
