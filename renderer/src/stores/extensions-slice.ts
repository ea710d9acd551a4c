/**
 * Installed extensions and the catalog, and every lifecycle action on them. Each action marks the
 * extension busy (buttons disable), reports failure as a notice, and reloads the list afterwards
 * (the host also pushes `extensions.changed`; the reload covers a host that does not).
 */
import type { BridgeMethod, BridgeParams, BridgeValue } from '../../../electron/common/bridge/schemas';
import type { CatalogEntry, ExtensionSummary } from '../../../electron/common/bridge/schemas';
import { describeError } from './call';
import type { AppState, SliceCreator } from './types';

export type InstallSource =
  { source: 'file'; path: string } | { source: 'folder'; path: string } | { source: 'catalog'; id: string };

export interface ExtensionsSlice {
  extensions: ExtensionSummary[];
  extensionsLoaded: boolean;
  extensionsError: string | null;
  catalog: CatalogEntry[];
  catalogLoaded: boolean;
  catalogError: string | null;
  /** Extension id (or `install`) → what is in progress. */
  busy: Record<string, string>;
  loadExtensions(): Promise<void>;
  receiveExtensions(list: ExtensionSummary[]): void;
  loadCatalog(query?: string): Promise<void>;
  install(source: InstallSource): Promise<boolean>;
  setEnabled(id: string, enabled: boolean): Promise<boolean>;
  /** Asks for confirmation first. */
  uninstall(id: string): Promise<boolean>;
  update(id: string): Promise<boolean>;
  approveUpdate(id: string): Promise<boolean>;
  rollback(id: string): Promise<boolean>;
  release(id: string): Promise<boolean>;
  stop(id: string): Promise<boolean>;
  restart(id: string): Promise<boolean>;
}

export const INSTALL_BUSY_KEY = 'install';

/** The display name of an extension id (the id itself when unknown). */
export function extensionName(state: Pick<AppState, 'extensions'>, id: string): string {
  return state.extensions.find((e) => e.id === id)?.name ?? id;
}

export const createExtensionsSlice: SliceCreator<ExtensionsSlice> = (set, get) => {
  /** Runs one lifecycle call with the busy marker, notices and a reload. */
  async function act<M extends BridgeMethod>(
    key: string,
    label: string,
    method: M,
    params: BridgeParams<M>,
    success?: (value: BridgeValue<M>) => string | undefined,
  ): Promise<boolean> {
    if (get().busy[key]) return false;
    set({ busy: { ...get().busy, [key]: label } });
    try {
      const r = await get().bridge.call(method, params);
      if (!r.ok) {
        get().notify('error', `${label} failed — ${describeError(r.error)}`);
        return false;
      }
      const message = success?.(r.value);
      if (message) get().notify('success', message);
      return true;
    } finally {
      const { [key]: _done, ...rest } = get().busy;
      set({ busy: rest });
      await get().loadExtensions();
    }
  }

  const nameOf = (id: string) => extensionName(get(), id);

  return {
    extensions: [],
    extensionsLoaded: false,
    extensionsError: null,
    catalog: [],
    catalogLoaded: false,
    catalogError: null,
    busy: {},
    loadExtensions: async () => {
      const r = await get().bridge.call('extensions.list', {});
      if (r.ok) get().receiveExtensions(r.value);
      else set({ extensionsError: describeError(r.error) });
    },
    receiveExtensions: (list) => set({ extensions: list, extensionsLoaded: true, extensionsError: null }),
    loadCatalog: async (query) => {
      const r = await get().bridge.call('catalog.list', query ? { query } : {});
      if (r.ok) set({ catalog: r.value, catalogLoaded: true, catalogError: null });
      else set({ catalogLoaded: true, catalogError: describeError(r.error) });
    },
    install: async (source) => {
      const what = source.source === 'catalog' ? source.id : source.path;
      const ok = await act(INSTALL_BUSY_KEY, `Install ${what}`, 'extensions.install', source, (v) =>
        v.pendingApproval?.length
          ? `Installed ${v.id} ${v.version}; new permissions wait for your approval`
          : `Installed ${v.id} ${v.version}`,
      );
      if (ok && source.source === 'catalog' && get().catalogLoaded) await get().loadCatalog();
      return ok;
    },
    setEnabled: (id, enabled) =>
      act(id, `${enabled ? 'Enable' : 'Disable'} ${nameOf(id)}`, 'extensions.setEnabled', { id, enabled }),
    uninstall: async (id) => {
      const name = nameOf(id);
      const ok = await get().askConfirm({
        title: `Uninstall ${name}?`,
        message: 'Its files, stored data and grants are removed. This cannot be undone.',
        detail: id,
        confirmLabel: 'Uninstall',
        danger: true,
      });
      if (!ok) return false;
      return act(id, `Uninstall ${name}`, 'extensions.uninstall', { id }, () => `Uninstalled ${name}`);
    },
    update: (id) =>
      act(id, `Update ${nameOf(id)}`, 'extensions.update', { id }, (v) =>
        v.pendingApproval?.length
          ? `${nameOf(id)} ${v.version} asks for more permissions: review and approve them`
          : `Updated ${nameOf(id)} to ${v.version}`,
      ),
    approveUpdate: (id) =>
      act(
        id,
        `Approve the update of ${nameOf(id)}`,
        'extensions.approveUpdate',
        { id },
        (v) => `Updated ${nameOf(id)} to ${v.version}`,
      ),
    rollback: (id) =>
      act(
        id,
        `Roll back ${nameOf(id)}`,
        'extensions.rollback',
        { id },
        (v) => `Rolled ${nameOf(id)} back to ${v.version}`,
      ),
    release: (id) =>
      act(id, `Release ${nameOf(id)} from quarantine`, 'extensions.release', { id }, () => `Released ${nameOf(id)}`),
    stop: (id) => act(id, `Stop ${nameOf(id)}`, 'extensions.stop', { id }),
    restart: (id) => act(id, `Restart ${nameOf(id)}`, 'extensions.restart', { id }),
  };
};
