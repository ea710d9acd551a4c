// The consent screen before an install or update: the security brief in words, Cancel focused by
// default, Esc and Cancel install nothing, Install installs the reviewed package.
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBridge } from './fake-bridge';
import { extension, securityBrief } from './fixtures';
import { renderApp, settle } from './helpers';

afterEach(cleanup);

async function openInstall(bridge: FakeBridge) {
  await renderApp(bridge);
  fireEvent.click(screen.getByTestId('install-toggle'));
  fireEvent.change(screen.getByTestId('install-path'), { target: { value: '/tmp/tool.wext' } });
  await act(async () => {
    fireEvent.click(screen.getByTestId('install-submit'));
    await settle();
  });
}

describe('install consent', () => {
  it('shows the brief: risk and reasons, publisher and key, words with patterns, advisories', async () => {
    const bridge = new FakeBridge().handle('extensions.brief', () =>
      securityBrief({
        name: 'Tool',
        risk: {
          level: 'high',
          reasons: [{ rule: 'H2', level: 'high', words: 'it may connect to any website (https://*/**)' }],
        },
        capabilities: [{ capability: 'net', pattern: 'https://*/**', words: 'connect to any website' }],
        components: [{ name: 'lodash', version: '4.17.20', licence: 'MIT' }],
        advisories: [{ id: 'GHSA-35jh-r3h4-6jhm', package: 'lodash', severity: 'high', fixed: '4.17.21' }],
      }),
    );
    await openInstall(bridge);
    const dialog = screen.getByTestId('install-consent');
    expect(dialog.getAttribute('role')).toBe('alertdialog');
    expect(dialog.textContent).toContain('Install Tool 1.2.0?');
    expect(screen.getByTestId('brief-risk').getAttribute('data-level')).toBe('high');
    expect(screen.getByTestId('brief-risk').textContent).toMatch(/high risk.*it may connect to any website/);
    expect(screen.getByTestId('brief-fingerprint').textContent).toBe('a'.repeat(64));
    expect(screen.getByTestId('brief-key').textContent).toMatch(/First seen: this key will be pinned/);
    expect(screen.getByTestId('brief-capabilities').textContent).toBe('connect to any websitenet https://*/**');
    expect(screen.getByTestId('brief-components').textContent).toMatch(/lodash 4\.17\.20 \(MIT\)/);
    expect(screen.getByTestId('brief-advisories').textContent).toMatch(
      /high GHSA-35jh-r3h4-6jhm in lodash, fixed in 4\.17\.21/,
    );
    // A high risk makes the confirm button look dangerous; Cancel holds the focus.
    expect(screen.getByTestId('consent-confirm').className).toBe('danger');
    expect(document.activeElement).toBe(screen.getByTestId('consent-cancel'));
  });

  it('Cancel and Esc install nothing; Install installs the reviewed package', async () => {
    const bridge = new FakeBridge().handle('extensions.install', () => ({ id: 'acme.word-count', version: '1.2.0' }));
    await openInstall(bridge);
    await act(async () => {
      fireEvent.click(screen.getByTestId('consent-cancel'));
      await settle();
    });
    expect(screen.queryByTestId('install-consent')).toBeNull();
    expect(bridge.callsOf('extensions.install')).toEqual([]);

    await act(async () => {
      fireEvent.click(screen.getByTestId('install-submit'));
      await settle();
    });
    await act(async () => {
      fireEvent.keyDown(screen.getByTestId('install-consent'), { key: 'Escape' });
      await settle();
    });
    expect(screen.queryByTestId('install-consent')).toBeNull();
    expect(bridge.callsOf('extensions.install')).toEqual([]);

    await act(async () => {
      fireEvent.click(screen.getByTestId('install-submit'));
      await settle();
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId('consent-confirm'));
      await settle();
    });
    expect(bridge.callsOf('extensions.install')).toEqual([
      { source: 'file', path: '/tmp/tool.wext', expectSha256: 'c'.repeat(64) },
    ]);
  });

  it('an update: what it adds and removes, and "Update and allow"', async () => {
    const bridge = new FakeBridge()
      .handle('extensions.list', () => [extension({ id: 'c.upd', name: 'Updatable', updateAvailable: '2.0.0' })])
      .handle('extensions.brief', () =>
        securityBrief({
          kind: 'update',
          id: 'c.upd',
          name: 'Updatable',
          from: '1.2.0',
          version: '2.0.0',
          key: { fingerprint: 'a'.repeat(64), status: 'pinned', pinnedAt: Date.UTC(2026, 0, 2) },
          changes: {
            added: [{ capability: 'net', pattern: 'https://api.github.com/**', words: 'connect to api.github.com' }],
            removed: [{ capability: 'notifications', words: 'show notifications' }],
          },
        }),
      )
      .handle('extensions.update', () => ({ version: '2.0.0' }));
    await renderApp(bridge);
    await act(async () => {
      fireEvent.click(screen.getByTestId('ext-update-c.upd'));
      await settle();
    });
    expect(screen.getByTestId('install-consent').textContent).toContain('Update Updatable 1.2.0 → 2.0.0?');
    expect(screen.getByTestId('brief-key').textContent).toBe('Pinned since 2026-01-02: the same key as before.');
    expect(screen.getByTestId('brief-added').textContent).toBe(
      '+connect to api.github.comnet https://api.github.com/**',
    );
    expect(screen.getByTestId('brief-removed').textContent).toBe('−show notifications');
    expect(screen.getByTestId('consent-confirm').textContent).toBe('Update and allow');
    await act(async () => {
      fireEvent.click(screen.getByTestId('consent-confirm'));
      await settle();
    });
    expect(bridge.callsOf('extensions.update')).toEqual([{ id: 'c.upd', expectSha256: 'c'.repeat(64), approve: true }]);
  });
});
