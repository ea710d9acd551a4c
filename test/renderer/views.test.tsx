import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { THEME_STORAGE_KEY } from '../../renderer/src/stores/ui-slice';
import { FakeBridge } from './fake-bridge';
import { extension, grant, record, sample } from './fixtures';
import { renderApp, settle, store } from './helpers';

afterEach(cleanup);
beforeEach(() => localStorage.clear());

async function go(view: string) {
  await act(async () => {
    fireEvent.click(screen.getByTestId(`nav-${view}`));
    await settle();
  });
}

describe('app chrome', () => {
  it('navigates between views and shows the app mode note', async () => {
    await renderApp();
    expect(screen.getByTestId('app-mode-note').textContent).toBe('headless mode: test');
    for (const v of ['run', 'resources', 'permissions', 'activity', 'extensions']) {
      await go(v);
      expect(screen.getByTestId(`view-${v}`)).toBeTruthy();
      expect(screen.getByTestId(`nav-${v}`).getAttribute('aria-current')).toBe('page');
    }
  });

  it('toggles the theme on <html> and remembers it', async () => {
    await renderApp();
    const before = document.documentElement.dataset.theme;
    fireEvent.click(screen.getByTestId('theme-toggle'));
    const after = document.documentElement.dataset.theme;
    expect(after).not.toBe(before);
    expect(['light', 'dark']).toContain(after);
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe(after);
    fireEvent.click(screen.getByTestId('theme-toggle'));
    expect(document.documentElement.dataset.theme).toBe(before);
  });

  it('shows a banner while the bridge is not connected', async () => {
    const { bridge } = await renderApp();
    expect(screen.queryByTestId('connection-banner')).toBeNull();
    await act(async () => bridge.setStatus({ state: 'closed', detail: 'connection lost (code 1006)' }));
    expect(screen.getByTestId('connection-banner').textContent).toMatch(/Not connected.*code 1006/);
  });
});

describe('extensions view', () => {
  const list = [
    extension({
      id: 'a.running',
      name: 'A very long extension name that will not fit in any reasonable column at all',
      state: 'running',
    }),
    extension({
      id: 'b.q',
      name: 'Quarantined',
      state: 'quarantined',
      quarantine: { reason: 'killed 3 times for CPU', since: Date.now() },
      strikes: 3,
    }),
    extension({ id: 'c.upd', name: 'Updatable', unsigned: true, updateAvailable: '2.0.0', rollbackTo: '1.0.0' }),
    extension({
      id: 'd.pending',
      name: 'Pending',
      pendingUpdate: { version: '3.0.0', addedPermissions: ['net https://api.example.com/**'] },
    }),
    extension({ id: 'e.off', name: 'Off', enabled: false, state: 'disabled', blocked: 'known bad version' }),
  ];
  let bridge: FakeBridge;
  beforeEach(async () => {
    bridge = new FakeBridge()
      .handle('extensions.list', () => list)
      .handle('extensions.release', () => ({}))
      .handle('extensions.approveUpdate', () => ({ version: '3.0.0' }))
      .handle('extensions.update', () => ({ version: '2.0.0' }))
      .handle('extensions.rollback', () => ({ version: '1.0.0' }))
      .handle('extensions.setEnabled', () => ({}))
      .handle('extensions.uninstall', () => ({}))
      .handle('extensions.install', () => ({ id: 'x.y', version: '1.0.0' }))
      .handle('pickers.pickFile', () => ({ path: '/tmp/picked.wext' }))
      .handle('app.info', () => ({ version: '0.1.0', apiVersion: '1', mode: 'electron' }))
      .handle('catalog.list', () => [
        { id: 'cat.one', name: 'Cat One', version: '1.0.0', publisher: 'cat', blocked: false },
        { id: 'cat.bad', version: '1.0.0', publisher: 'cat', blocked: true },
      ]);
    await renderApp(bridge);
  });

  const badges = (id: string) =>
    [...screen.getByTestId(`ext-row-${id}`).querySelectorAll('[data-testid^="ext-badge-"]')].map((b) =>
      b.getAttribute('data-testid'),
    );

  it('shows a row per extension with state badges and full names as tooltips', () => {
    expect(badges('a.running')).toEqual(['ext-badge-running']);
    expect(badges('b.q')).toEqual(['ext-badge-quarantined', 'ext-badge-strikes']);
    expect(badges('c.upd')).toEqual(['ext-badge-idle', 'ext-badge-unsigned', 'ext-badge-update']);
    expect(badges('d.pending')).toEqual(['ext-badge-idle', 'ext-badge-pending-update']);
    expect(badges('e.off')).toEqual(['ext-badge-blocked', 'ext-badge-disabled']);
    const name = within(screen.getByTestId('ext-row-a.running')).getByText(/A very long extension name/);
    expect(name.getAttribute('title')).toBe(list[0]!.name);
    expect(name.className).toMatch(/ellipsis/);
    expect(screen.getByTestId('ext-quarantine-reason-b.q').textContent).toMatch(/killed 3 times for CPU/);
  });

  it('ignores a second action on an extension while one is in flight', async () => {
    await act(async () => {
      fireEvent.click(screen.getByTestId('ext-update-c.upd'));
      fireEvent.click(screen.getByTestId('ext-rollback-c.upd'));
      await settle();
    });
    // The update's brief is on screen (the extension stays busy until it is answered).
    await act(async () => {
      fireEvent.click(screen.getByTestId('consent-confirm'));
      await settle();
    });
    expect(bridge.callsOf('extensions.update')).toHaveLength(1);
    expect(bridge.callsOf('extensions.rollback')).toHaveLength(0);
  });

  it('offers the actions each state allows and calls them', async () => {
    expect(screen.queryByTestId('ext-toggle-b.q')).toBeNull();
    for (const id of ['ext-release-b.q', 'ext-update-c.upd', 'ext-rollback-c.upd', 'ext-toggle-a.running']) {
      // One action per extension at a time: each finishes before the next click.
      await act(async () => {
        fireEvent.click(screen.getByTestId(id));
        await settle();
      });
      // An update opens its security brief first.
      if (screen.queryByTestId('consent-confirm')) {
        await act(async () => {
          fireEvent.click(screen.getByTestId('consent-confirm'));
          await settle();
        });
      }
    }
    expect(bridge.callsOf('extensions.release')).toEqual([{ id: 'b.q' }]);
    expect(bridge.callsOf('extensions.update')).toEqual([{ id: 'c.upd', expectSha256: 'c'.repeat(64) }]);
    expect(bridge.callsOf('extensions.rollback')).toEqual([{ id: 'c.upd' }]);
    expect(bridge.callsOf('extensions.setEnabled')).toEqual([{ id: 'a.running', enabled: false }]);
  });

  it('shows the permission diff of a pending update and approves it', async () => {
    const diff = screen.getByTestId('ext-permdiff-d.pending');
    expect(diff.textContent).toMatch(/\+ net https:\/\/api\.example\.com\/\*\*/);
    await act(async () => {
      fireEvent.click(screen.getByTestId('ext-approve-d.pending'));
      await settle();
    });
    expect(bridge.callsOf('extensions.approveUpdate')).toEqual([{ id: 'd.pending' }]);
  });

  it('uninstalls after the confirm dialog', async () => {
    await act(async () => {
      fireEvent.click(screen.getByTestId('ext-uninstall-c.upd'));
    });
    expect(screen.getByTestId('confirm-dialog').textContent).toMatch(/Uninstall Updatable\?/);
    await act(async () => {
      fireEvent.click(screen.getByTestId('confirm-ok'));
      await settle();
    });
    expect(bridge.callsOf('extensions.uninstall')).toEqual([{ id: 'c.upd' }]);
  });

  it('installs from a picked file and from the catalog', async () => {
    // Installing sits behind a button: the list comes first.
    expect(screen.queryByTestId('install-panel')).toBeNull();
    fireEvent.click(screen.getByTestId('install-toggle'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('install-pick'));
      await settle();
    });
    expect((screen.getByTestId('install-path') as HTMLInputElement).value).toBe('/tmp/picked.wext');
    await act(async () => {
      fireEvent.click(screen.getByTestId('install-submit'));
      await settle();
    });
    // The security brief comes first; nothing is installed until it is confirmed.
    expect(screen.getByTestId('install-consent')).toBeTruthy();
    expect(bridge.callsOf('extensions.install')).toEqual([]);
    await act(async () => {
      fireEvent.click(screen.getByTestId('consent-confirm'));
      await settle();
    });
    expect(bridge.callsOf('extensions.install')).toEqual([
      { source: 'file', path: '/tmp/picked.wext', expectSha256: 'c'.repeat(64) },
    ]);

    await act(async () => {
      fireEvent.click(screen.getByTestId('catalog-toggle'));
      await settle();
    });
    expect(screen.getByTestId('catalog-row-cat.bad').textContent).toMatch(/blocked/);
    expect(screen.queryByTestId('catalog-install-cat.bad')).toBeNull();
    await act(async () => {
      fireEvent.click(screen.getByTestId('catalog-install-cat.one'));
      await settle();
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId('consent-confirm'));
      await settle();
    });
    expect(bridge.callsOf('extensions.install')[1]).toEqual({
      source: 'catalog',
      id: 'cat.one',
      expectSha256: 'c'.repeat(64),
    });
  });
});

describe('resources view', () => {
  it('shows the latest sample per extension, the kill reason, charts, and kill/restart', async () => {
    const t = Date.now();
    const bridge = new FakeBridge()
      .handle('extensions.list', () => [
        extension({ id: 'a.spin', name: 'Runaway', state: 'running' }),
        extension({
          id: 'b.dead',
          name: 'Dead',
          state: 'crashed',
          lastExit: { reason: 'killed: CPU over budget', at: t, expected: false },
          strikes: 1,
        }),
      ])
      .handle('resources.snapshot', () => [{ extensionId: 'a.spin', history: [sample(t - 1000, { cpuPercent: 10 })] }])
      .handle('extensions.stop', () => ({}))
      .handle('extensions.restart', () => ({}));
    await renderApp(bridge);
    await go('resources');
    await act(async () =>
      bridge.emit('resources.sample', {
        extensionId: 'a.spin',
        sample: sample(t, { cpuPercent: 97.25, rssBytes: 150 * 1024 * 1024 }),
      }),
    );
    const row = screen.getByTestId('resource-row-a.spin');
    expect(within(row).getByTestId('resource-cpu').textContent).toBe('97.3');
    expect(within(row).getByTestId('resource-mem').textContent).toBe('150.0');
    expect(screen.getByTestId('resource-reason-b.dead').textContent).toMatch(/^Last kill .*killed: CPU over budget/);
    expect(screen.queryByTestId('resource-reason-a.spin')).toBeNull();
    // Only extensions with samples are charted, with one shared legend.
    expect(screen.getByTestId('chart-legend').textContent).toBe('Runaway');
    expect(screen.getByTestId('chart-cpu').getAttribute('data-points')).toBe('2');
    expect(screen.getByTestId('chart-memory')).toBeTruthy();
    expect((screen.getByTestId('resource-kill-b.dead') as HTMLButtonElement).disabled).toBe(true);
    await act(async () => {
      fireEvent.click(screen.getByTestId('resource-kill-a.spin'));
      fireEvent.click(screen.getByTestId('resource-restart-b.dead'));
      await settle();
    });
    expect(bridge.callsOf('extensions.stop')).toEqual([{ id: 'a.spin' }]);
    expect(bridge.callsOf('extensions.restart')).toEqual([{ id: 'b.dead' }]);
  });
});

describe('permissions view', () => {
  it('lists grants per extension with Revoke, and the policy', async () => {
    let grants = [
      grant(),
      grant({ id: 'g2', extensionId: 'z.other', effect: 'deny', capability: 'net', scope: 'https://x.example/**' }),
    ];
    const bridge = new FakeBridge()
      .handle('permissions.grants', () => grants)
      .handle('permissions.policy', () => ({ text: 'forbid:\n  net: ["*.ads.example"]', rules: 1 }))
      .handle('permissions.revoke', (p) => {
        grants = grants.filter((g) => g.id !== p.grantId);
        return {};
      });
    await renderApp(bridge);
    await go('permissions');
    expect(screen.getByTestId('grant-group-acme.word-count')).toBeTruthy();
    expect(screen.getByTestId('grant-row-g2').getAttribute('data-effect')).toBe('deny');
    expect(screen.getByTestId('policy-text').textContent).toMatch(/ads\.example/);
    expect(screen.getByTestId('policy-rules').textContent).toBe('(1 rule)');
    await act(async () => {
      fireEvent.click(screen.getByTestId('grant-revoke-g1'));
      await settle();
    });
    expect(bridge.callsOf('permissions.revoke')).toEqual([{ grantId: 'g1' }]);
    expect(screen.queryByTestId('grant-row-g1')).toBeNull();
  });
});

describe('activity view', () => {
  it('lists records, filters through the host, and follows live records', async () => {
    const bridge = new FakeBridge()
      .handle('extensions.list', () => [extension()])
      .handle('activity.query', (p) =>
        p.decision === 'deny'
          ? [record({ time: 5, decision: 'deny' })]
          : [record({ time: 1 }), record({ time: 2, kind: 'violation', decision: 'deny', reason: 'undeclared' })],
      );
    await renderApp(bridge);
    await go('activity');
    expect(screen.getAllByTestId('activity-row')).toHaveLength(2);
    await act(async () => {
      fireEvent.change(screen.getByTestId('activity-filter-decision'), { target: { value: 'deny' } });
      await settle();
    });
    expect(bridge.callsOf('activity.query').at(-1)).toEqual({ decision: 'deny', limit: 500 });
    expect(screen.getAllByTestId('activity-row').map((r) => r.getAttribute('data-decision'))).toEqual(['deny']);
    await act(async () => {
      fireEvent.change(screen.getByTestId('activity-filter-extension'), { target: { value: 'acme.word-count' } });
      fireEvent.change(screen.getByTestId('activity-filter-capability'), { target: { value: 'net' } });
      await settle();
    });
    expect(bridge.callsOf('activity.query').at(-1)).toEqual({
      extensionId: 'acme.word-count',
      capability: 'net',
      decision: 'deny',
      limit: 500,
    });
    await act(async () => bridge.emit('activity.record', record({ time: 9, capability: 'net', decision: 'deny' })));
    expect(screen.getAllByTestId('activity-row').at(-1)!.getAttribute('data-decision')).toBe('deny');
    expect((screen.getByTestId('activity-follow') as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByTestId('activity-follow'));
    expect(store().follow).toBe(false);
  });
});
