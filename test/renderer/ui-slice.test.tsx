import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initialTheme, isWebUrl, THEME_STORAGE_KEY } from '../../renderer/src/stores/ui-slice';
import { FakeBridge } from './fake-bridge';
import { startStore, store } from './helpers';

let bridge: FakeBridge;
beforeEach(async () => {
  localStorage.clear();
  bridge = await startStore(new FakeBridge().handle('app.openExternal', () => ({ opened: true })));
});
afterEach(() => vi.unstubAllGlobals());

describe('ui slice', () => {
  it('loads app info', () => {
    expect(store().appInfo).toMatchObject({ mode: 'headless', note: 'headless mode: test' });
  });

  it('follows the OS theme until the user picks one, then stores the choice', () => {
    vi.stubGlobal('matchMedia', (q: string) => ({
      matches: q.includes('dark'),
      addEventListener() {},
      removeEventListener() {},
    }));
    expect(initialTheme()).toEqual({ theme: 'dark', themeSource: 'system' });
    localStorage.setItem(THEME_STORAGE_KEY, 'light');
    expect(initialTheme()).toEqual({ theme: 'light', themeSource: 'user' });
  });

  it('toggles and persists the theme; the OS setting no longer wins after that', () => {
    store().systemThemeChanged(true);
    expect(store().theme).toBe('dark');
    store().toggleTheme();
    expect(store().theme).toBe('light');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('light');
    store().systemThemeChanged(true);
    expect(store().theme).toBe('light');
  });

  it('opens http(s) links only after confirmation', async () => {
    const cancelled = store().openExternal('https://example.com/a');
    expect(store().confirm?.detail).toBe('https://example.com/a');
    store().answerConfirm(false);
    expect(await cancelled).toBe(false);
    expect(bridge.callsOf('app.openExternal')).toEqual([]);

    const opened = store().openExternal('https://example.com/a');
    store().answerConfirm(true);
    expect(await opened).toBe(true);
    expect(bridge.callsOf('app.openExternal')).toEqual([{ url: 'https://example.com/a' }]);
  });

  it('refuses other schemes without asking', async () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'mailto:a@b.c', 'relative/path']) {
      expect(await store().openExternal(url)).toBe(false);
    }
    expect(store().confirm).toBeNull();
    expect(bridge.callsOf('app.openExternal')).toEqual([]);
    expect(isWebUrl('http://x.y')).toBe(true);
  });

  it('a newer confirm request cancels the open one', async () => {
    const first = store().askConfirm({ title: 'a', message: '', confirmLabel: 'ok' });
    const second = store().askConfirm({ title: 'b', message: '', confirmLabel: 'ok' });
    expect(await first).toBe(false);
    store().answerConfirm(true);
    expect(await second).toBe(true);
  });

  it('keeps the last few notices', () => {
    for (let i = 0; i < 8; i++) store().notify('info', `n${i}`);
    expect(store().notices.map((n) => n.text)).toEqual(['n3', 'n4', 'n5', 'n6', 'n7']);
    store().dismissNotice(store().notices[0]!.id);
    expect(store().notices).toHaveLength(4);
  });
});
