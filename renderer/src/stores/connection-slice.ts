/**
 * The bridge the store talks through, and the live feeds. Every bridge subscription lives here,
 * in `startFeeds` (called once from main.tsx), never in a component effect: events keep flowing
 * into the store whatever view is on screen. After a reconnect everything is loaded again, since
 * events sent while the connection was down are lost.
 */
import type { Unsubscribe, WardenBridge } from '../../../electron/common/bridge/bridge-api';
import type { ConnectionStatus, HostConnection } from '../bridge';
import type { SliceCreator } from './types';

export interface ConnectionSlice {
  bridge: WardenBridge;
  connection: ConnectionStatus;
  /** Subscribes to every host event and loads the initial state (again after each reconnect). */
  startFeeds(host: HostConnection): void;
  stopFeeds(): void;
  refreshAll(): Promise<void>;
}

/** Until `startFeeds`: every call fails, no event arrives. */
export const offlineBridge: WardenBridge = {
  call: async () => ({ ok: false, error: { code: 'EINTERNAL', message: 'not connected to Warden yet' } }),
  on: () => () => {},
};

export const createConnectionSlice: SliceCreator<ConnectionSlice> = (set, get) => {
  let subscriptions: Unsubscribe[] = [];
  return {
    bridge: offlineBridge,
    connection: { state: 'connecting' },
    startFeeds: (host) => {
      get().stopFeeds();
      const b = host.bridge;
      set({ bridge: b });
      subscriptions = [
        b.on('extensions.changed', (list) => get().receiveExtensions(list)),
        b.on('commands.progress', (p) => get().receiveProgress(p)),
        b.on('prompts.opened', (p) => get().receivePrompt(p)),
        b.on('prompts.closed', (p) => get().closePrompt(p.promptId)),
        b.on('resources.sample', (s) => get().receiveSample(s.extensionId, s.sample)),
        b.on('activity.record', (r) => get().receiveRecord(r)),
        // A new finding is written to the audit log as an `anomaly` record: the list follows it.
        b.on('activity.record', (r) => void (r.kind === 'anomaly' && get().loadAnomalies())),
        host.onStatus((status) => {
          const was = get().connection.state;
          set({ connection: status });
          if (status.state === 'open' && was !== 'open') void get().refreshAll();
        }),
      ];
    },
    stopFeeds: () => {
      for (const unsubscribe of subscriptions) unsubscribe();
      subscriptions = [];
    },
    refreshAll: async () => {
      const s = get();
      await Promise.all([
        s.loadAppInfo(),
        s.loadExtensions(),
        s.loadPendingPrompts(),
        s.loadSnapshot(),
        s.loadGrants(),
        s.loadPolicy(),
        s.loadActivity(),
        s.loadAnomalies(),
      ]);
    },
  };
};
