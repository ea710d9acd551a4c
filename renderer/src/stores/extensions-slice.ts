/**
 * Installed extensions and the catalog, and every lifecycle action on them. Each action marks the
 * extension busy (buttons disable), reports failure as a notice, and reloads the list afterwards
 * (the host also pushes `extensions.changed`; the reload covers a host that does not).
 */
import type { BridgeMethod, BridgeParams, BridgeValue } from '../../../electron/common/bridge/schemas';
import type { CatalogEntry, ExtensionSummary } from '../../../electron/common/bridge/schemas';
import type { SecurityBrief } from '../../../electron/common/security-brief';
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
  /** The security brief on screen (install/update consent), with its answer. */
  consent: { brief: SecurityBrief; resolve: (ok: boolean) => void } | null;
  answerConsent(ok: boolean): void;
  loadExtensions(): Promise<void>;
  receiveExtensions(list: ExtensionSummary[]): void;
  loadCatalog(query?: string): Promise<void>;
  /** Fetches the security brief, asks for consent on it, and only then installs. */
  install(source: InstallSource): Promise<boolean>;
  setEnabled(id: string, enabled: boolean): Promise<boolean>;
  /** Asks for confirmation first. */
  uninstall(id: string): Promise<boolean>;
  /** As install: the brief (with the permissions added and removed) and consent first. */
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

  /**
   * The brief of what would be installed, shown for consent; undefined when the user said no (or
   * it failed). The key stays busy until they answer, so no second action starts meanwhile.
   */
  async function review(key: string, label: string, params: BridgeParams<'extensions.brief'>) {
    if (get().busy[key]) return undefined;
    set({ busy: { ...get().busy, [key]: 'Reviewing…' } });
    try {
      const r = await get().bridge.call('extensions.brief', params);
      if (!r.ok) {
        get().notify('error', `${label} failed — ${describeError(r.error)}`);
        return undefined;
      }
      const brief = r.value;
      const ok = await new Promise<boolean>((resolve) => {
        get().consent?.resolve(false);
        set({ consent: { brief, resolve } });
      });
      return ok ? brief : undefined;
    } finally {
      const { [key]: _done, ...rest } = get().busy;
      set({ busy: rest });
    }
  }

  return {
    extensions: [],
    extensionsLoaded: false,
    extensionsError: null,
    catalog: [],
    catalogLoaded: false,
    catalogError: null,
    busy: {},
    consent: null,
    answerConsent: (ok) => {
      const c = get().consent;
      set({ consent: null });
      c?.resolve(ok);
    },
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
      const brief = await review(INSTALL_BUSY_KEY, `Install ${what}`, source);
      if (!brief) return false;
      const params = source.source === 'folder' || !brief.sha256 ? source : { ...source, expectSha256: brief.sha256 };
      const ok = await act(INSTALL_BUSY_KEY, `Install ${what}`, 'extensions.install', params, (v) =>
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
    update: async (id) => {
      const brief = await review(id, `Update ${nameOf(id)}`, { source: 'update', id });
      if (!brief) return false;
      // Consenting to the brief, which listed the added permissions, allows them.
      const approve = (brief.changes?.added.length ?? 0) > 0;
      const params = { id, ...(brief.sha256 ? { expectSha256: brief.sha256 } : {}), ...(approve ? { approve } : {}) };
      return act(id, `Update ${nameOf(id)}`, 'extensions.update', params, (v) =>
        v.pendingApproval?.length
          ? `${nameOf(id)} ${v.version} asks for more permissions: review and approve them`
          : `Updated ${nameOf(id)} to ${v.version}`,
      );
    },
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
