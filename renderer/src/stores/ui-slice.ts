/**
 * App chrome: the view, the theme, app info, notices, the in-app confirm dialog, and the two
 * host calls that exist for the UI itself (opening a link, picking a file).
 */
import type { AppInfo } from '../../../electron/common/bridge/schemas';
import { callOrNotify } from './call';
import type { SliceCreator } from './types';

export const VIEWS = ['extensions', 'run', 'resources', 'behaviour', 'permissions', 'activity'] as const;
export type View = (typeof VIEWS)[number];
export type Theme = 'light' | 'dark';
export type NoticeLevel = 'info' | 'success' | 'error';

export interface Notice {
  id: number;
  level: NoticeLevel;
  text: string;
}

export interface ConfirmRequest {
  title: string;
  message: string;
  /** Shown in monospace, wrapped anywhere (a URL, a path). */
  detail?: string;
  confirmLabel: string;
  danger?: boolean;
  resolve: (ok: boolean) => void;
}

export interface UiSlice {
  view: View;
  theme: Theme;
  /** 'system' until the user toggles; then the choice is stored and wins over the OS setting. */
  themeSource: 'system' | 'user';
  appInfo: AppInfo | null;
  notices: Notice[];
  confirm: ConfirmRequest | null;
  setView(view: View): void;
  toggleTheme(): void;
  /** The OS colour scheme changed (ignored once the user has chosen). */
  systemThemeChanged(dark: boolean): void;
  loadAppInfo(): Promise<void>;
  notify(level: NoticeLevel, text: string): void;
  dismissNotice(id: number): void;
  /** Shows the in-app confirm dialog; resolves with the user's answer. */
  askConfirm(request: Omit<ConfirmRequest, 'resolve'>): Promise<boolean>;
  answerConfirm(ok: boolean): void;
  /** Opens an http(s) link in the user's browser after they confirm it; other schemes are refused. */
  openExternal(url: string): Promise<boolean>;
  /** The host's native picker; null when cancelled or failed. */
  pickPath(kind: 'file' | 'directory', title?: string): Promise<string | null>;
}

export const THEME_STORAGE_KEY = 'warden.theme';
const MAX_NOTICES = 5;

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** The stored choice if any, otherwise the OS preference. */
export function initialTheme(): { theme: Theme; themeSource: 'system' | 'user' } {
  const stored = storage()?.getItem(THEME_STORAGE_KEY);
  if (stored === 'light' || stored === 'dark') return { theme: stored, themeSource: 'user' };
  const dark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  return { theme: dark ? 'dark' : 'light', themeSource: 'system' };
}

/** True for an absolute http: or https: URL. */
export function isWebUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

let noticeId = 0;

export const createUiSlice: SliceCreator<UiSlice> = (set, get) => ({
  view: 'extensions',
  ...initialTheme(),
  appInfo: null,
  notices: [],
  confirm: null,
  setView: (view) => set({ view }),
  toggleTheme: () => {
    const theme: Theme = get().theme === 'dark' ? 'light' : 'dark';
    try {
      storage()?.setItem(THEME_STORAGE_KEY, theme);
    } catch {
      /* not persisted; still applied */
    }
    set({ theme, themeSource: 'user' });
  },
  systemThemeChanged: (dark) => {
    if (get().themeSource === 'system') set({ theme: dark ? 'dark' : 'light' });
  },
  loadAppInfo: async () => {
    const r = await get().bridge.call('app.info', {});
    if (r.ok) set({ appInfo: r.value });
  },
  notify: (level, text) => {
    const notice = { id: ++noticeId, level, text };
    set({ notices: [...get().notices, notice].slice(-MAX_NOTICES) });
  },
  dismissNotice: (id) => set({ notices: get().notices.filter((n) => n.id !== id) }),
  askConfirm: (request) =>
    new Promise<boolean>((resolve) => {
      // A newer request replaces an open one, which counts as cancelled.
      get().confirm?.resolve(false);
      set({ confirm: { ...request, resolve } });
    }),
  answerConfirm: (ok) => {
    const c = get().confirm;
    if (!c) return;
    set({ confirm: null });
    c.resolve(ok);
  },
  openExternal: async (url) => {
    if (!isWebUrl(url)) {
      get().notify('error', `Not opened: only http and https links can be opened (${url.slice(0, 200)})`);
      return false;
    }
    const ok = await get().askConfirm({
      title: 'Open this link in your browser?',
      message: 'The link comes from extension content. Check where it goes before opening it.',
      detail: url,
      confirmLabel: 'Open link',
    });
    if (!ok) return false;
    const v = await callOrNotify(get, 'Opening the link', 'app.openExternal', { url });
    return v?.opened ?? false;
  },
  pickPath: async (kind, title) => {
    const v = await callOrNotify(get, 'Choosing a file', 'pickers.pickFile', { kind, ...(title ? { title } : {}) });
    return v?.path ?? null;
  },
});
