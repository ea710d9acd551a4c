import { describe, expect, it } from 'vitest';
import { BRIDGE_EVENT_NAMES } from '../../electron/common/bridge/schemas';
import { resetAppStore, useAppStore } from '../../renderer/src/stores/app-store';
import { FakeBridge } from './fake-bridge';
import { settle, startStore, store } from './helpers';

describe('connection slice (feeds)', () => {
  it('subscribes to every event once, and stopFeeds unsubscribes', async () => {
    const bridge = await startStore();
    for (const e of BRIDGE_EVENT_NAMES) expect(bridge.listenerCount(e)).toBe(1);
    // Starting again does not double the subscriptions.
    useAppStore.getState().startFeeds(bridge.host());
    for (const e of BRIDGE_EVENT_NAMES) expect(bridge.listenerCount(e)).toBe(1);
    store().stopFeeds();
    for (const e of BRIDGE_EVENT_NAMES) expect(bridge.listenerCount(e)).toBe(0);
  });

  it('loads everything when the connection opens, and again after a reconnect', async () => {
    resetAppStore();
    const bridge = new FakeBridge();
    bridge.setStatus({ state: 'connecting' });
    store().startFeeds(bridge.host());
    await settle();
    expect(bridge.calls).toEqual([]);
    expect(store().connection.state).toBe('connecting');

    bridge.setStatus({ state: 'open' });
    await settle();
    const methods = new Set(bridge.calls.map((c) => c.method));
    for (const m of [
      'app.info',
      'extensions.list',
      'prompts.pending',
      'resources.snapshot',
      'permissions.grants',
      'permissions.policy',
      'activity.query',
    ]) {
      expect(methods.has(m as never)).toBe(true);
    }
    const count = bridge.callsOf('extensions.list').length;
    bridge.setStatus({ state: 'closed', detail: 'connection lost' });
    expect(store().connection).toEqual({ state: 'closed', detail: 'connection lost' });
    bridge.setStatus({ state: 'open' });
    await settle();
    expect(bridge.callsOf('extensions.list').length).toBe(count + 1);
  });

  it('fails calls cleanly before any bridge is attached', async () => {
    resetAppStore();
    const r = await store().bridge.call('extensions.list', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'EINTERNAL' } });
  });
});

describe('connection banner', () => {
  it('tells a tab whose server was restarted that its address expired, and how to get a new one', async () => {
    const { act, cleanup, render, screen } = await import('@testing-library/react');
    const { App } = await import('../../renderer/src/app');
    const bridge = await startStore();
    render(<App />);
    await act(async () => bridge.setStatus({ state: 'closed', cause: 'token', detail: 'x' }));
    const banner = screen.getByTestId('connection-banner');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toMatch(/Warden was restarted, and this address has expired/);
    expect(banner.textContent).toMatch(/Open the address Warden printed when it started/);
    await act(async () => bridge.setStatus({ state: 'closed', cause: 'unreachable' }));
    expect(screen.getByTestId('connection-banner').textContent).toMatch(/Warden is not running at this address/);
    await act(async () => bridge.setStatus({ state: 'open' }));
    expect(screen.queryByTestId('connection-banner')).toBeNull();
    cleanup();
  });
});
