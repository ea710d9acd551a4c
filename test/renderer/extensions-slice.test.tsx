import { beforeEach, describe, expect, it } from 'vitest';
import { deferred, FakeBridge } from './fake-bridge';
import { extension, securityBrief } from './fixtures';
import { settle, startStore, store } from './helpers';

/** Answers the consent screen an install or update opens, once it is open. */
async function consenting<T>(pending: Promise<T>, ok = true): Promise<T> {
  await settle();
  store().answerConsent(ok);
  return pending;
}

let bridge: FakeBridge;
beforeEach(async () => {
  bridge = new FakeBridge().handle('extensions.list', () => [extension()]);
  await startStore(bridge);
});

describe('extensions slice', () => {
  it('loads the list on start and takes pushed lists', () => {
    expect(store().extensionsLoaded).toBe(true);
    expect(store().extensions.map((e) => e.id)).toEqual(['acme.word-count']);
    bridge.emit('extensions.changed', [extension({ id: 'b.two', name: 'Two' }), extension()]);
    expect(store().extensions.map((e) => e.id)).toEqual(['b.two', 'acme.word-count']);
  });

  it('keeps the error when listing fails', async () => {
    bridge.handle('extensions.list', () => ({ error: { code: 'EINTERNAL', message: 'boom' } }));
    await store().loadExtensions();
    expect(store().extensionsError).toBe('Something went wrong inside Warden. boom (EINTERNAL)');
  });

  it('enables and disables, marking the extension busy meanwhile, then reloads', async () => {
    const gate = deferred<Record<string, never>>();
    bridge.handle('extensions.setEnabled', () => gate.promise);
    const pending = store().setEnabled('acme.word-count', false);
    expect(store().busy['acme.word-count']).toMatch(/Disable Word Count/);
    // A second click while busy is ignored.
    expect(await store().setEnabled('acme.word-count', false)).toBe(false);
    const listsBefore = bridge.callsOf('extensions.list').length;
    gate.resolve({});
    expect(await pending).toBe(true);
    expect(bridge.callsOf('extensions.setEnabled')).toEqual([{ id: 'acme.word-count', enabled: false }]);
    expect(store().busy).toEqual({});
    expect(bridge.callsOf('extensions.list').length).toBe(listsBefore + 1);
  });

  it('uninstalls only after the user confirms', async () => {
    bridge.handle('extensions.uninstall', () => ({}));
    const cancelled = store().uninstall('acme.word-count');
    expect(store().confirm?.title).toBe('Uninstall Word Count?');
    expect(store().confirm?.danger).toBe(true);
    store().answerConfirm(false);
    expect(await cancelled).toBe(false);
    expect(bridge.callsOf('extensions.uninstall')).toEqual([]);

    const confirmed = store().uninstall('acme.word-count');
    store().answerConfirm(true);
    expect(await confirmed).toBe(true);
    expect(bridge.callsOf('extensions.uninstall')).toEqual([{ id: 'acme.word-count' }]);
    expect(store().notices.at(-1)).toMatchObject({ level: 'success', text: 'Uninstalled Word Count' });
  });

  it('reports a failed action as an error notice with code and reason', async () => {
    bridge.handle('extensions.release', () => ({
      error: { code: 'EPERM', reason: 'policy', message: 'forbidden by policy' },
    }));
    expect(await store().release('acme.word-count')).toBe(false);
    expect(store().notices.at(-1)).toMatchObject({
      level: 'error',
      text: 'Release Word Count from quarantine failed — Your organisation’s policy does not allow this. forbidden by policy (EPERM, policy)',
    });
  });

  it('installs from a file, a folder and the catalog, each after consent on its brief', async () => {
    bridge.handle('extensions.install', (p) => ({ id: p.source === 'catalog' ? p.id : 'x.y', version: '1.0.0' }));
    expect(await consenting(store().install({ source: 'file', path: '/tmp/x.wext' }))).toBe(true);
    expect(await consenting(store().install({ source: 'folder', path: '/tmp/x' }))).toBe(true);
    expect(await consenting(store().install({ source: 'catalog', id: 'acme.other' }))).toBe(true);
    expect(bridge.callsOf('extensions.brief')).toEqual([
      { source: 'file', path: '/tmp/x.wext' },
      { source: 'folder', path: '/tmp/x' },
      { source: 'catalog', id: 'acme.other' },
    ]);
    // Bound to the reviewed package (a developer folder has no package hash).
    expect(bridge.callsOf('extensions.install')).toEqual([
      { source: 'file', path: '/tmp/x.wext', expectSha256: 'c'.repeat(64) },
      { source: 'folder', path: '/tmp/x' },
      { source: 'catalog', id: 'acme.other', expectSha256: 'c'.repeat(64) },
    ]);
    expect(store().notices.at(-1)?.text).toBe('Installed acme.other 1.0.0');
  });

  it('installs nothing when the user cancels the brief, or when the brief fails', async () => {
    bridge.handle('extensions.install', () => ({ id: 'x.y', version: '1.0.0' }));
    const pending = store().install({ source: 'file', path: '/tmp/x.wext' });
    await settle();
    expect(store().consent?.brief.id).toBe('acme.word-count');
    expect(store().busy.install).toBe('Reviewing…');
    store().answerConsent(false);
    expect(await pending).toBe(false);
    expect(store().consent).toBeNull();
    expect(store().busy).toEqual({});
    bridge.handle('extensions.brief', () => ({ error: { code: 'EINVAL', message: 'bad signature' } }));
    expect(await store().install({ source: 'file', path: '/tmp/y.wext' })).toBe(false);
    expect(store().notices.at(-1)?.text).toMatch(/^Install \/tmp\/y\.wext failed — .*bad signature/);
    expect(bridge.callsOf('extensions.install')).toEqual([]);
  });

  it('says when an update waits for approval, and approves it', async () => {
    bridge.handle('extensions.update', () => ({
      version: '2.0.0',
      pendingApproval: ['net https://api.example.com/**'],
    }));
    bridge.handle('extensions.approveUpdate', () => ({ version: '2.0.0' }));
    await consenting(store().update('acme.word-count'));
    expect(store().notices.at(-1)?.text).toMatch(/2\.0\.0 asks for more permissions/);
    await store().approveUpdate('acme.word-count');
    expect(bridge.callsOf('extensions.approveUpdate')).toEqual([{ id: 'acme.word-count' }]);
    expect(store().notices.at(-1)?.text).toBe('Updated Word Count to 2.0.0');
  });

  it('an update whose brief adds permissions: consenting allows them', async () => {
    bridge.handle('extensions.brief', () =>
      securityBrief({
        kind: 'update',
        from: '1.2.0',
        version: '2.0.0',
        changes: {
          added: [{ capability: 'net', pattern: 'https://api.github.com/**', words: 'connect to api.github.com' }],
          removed: [],
        },
      }),
    );
    bridge.handle('extensions.update', () => ({ version: '2.0.0' }));
    expect(await consenting(store().update('acme.word-count'))).toBe(true);
    expect(bridge.callsOf('extensions.update')).toEqual([
      { id: 'acme.word-count', expectSha256: 'c'.repeat(64), approve: true },
    ]);
  });

  it('rolls back, stops and restarts', async () => {
    bridge.handle('extensions.rollback', () => ({ version: '1.1.0' }));
    bridge.handle('extensions.stop', () => ({}));
    bridge.handle('extensions.restart', () => ({}));
    await store().rollback('acme.word-count');
    await store().stop('acme.word-count');
    await store().restart('acme.word-count');
    expect(bridge.callsOf('extensions.rollback')).toHaveLength(1);
    expect(bridge.callsOf('extensions.stop')).toEqual([{ id: 'acme.word-count' }]);
    expect(bridge.callsOf('extensions.restart')).toEqual([{ id: 'acme.word-count' }]);
  });

  it('loads the catalog with an optional query', async () => {
    bridge.handle('catalog.list', (p) => [
      { id: 'c.one', version: '1.0.0', publisher: 'c', blocked: false, name: p.query ?? 'all' },
    ]);
    await store().loadCatalog();
    await store().loadCatalog('one');
    await settle();
    expect(bridge.callsOf('catalog.list')).toEqual([{}, { query: 'one' }]);
    expect(store().catalog[0]?.name).toBe('one');
  });
});
