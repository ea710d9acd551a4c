// The panel says when an update is staged: a note on the extension row and on the catalog entry.
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBridge } from './fake-bridge';
import { extension } from './fixtures';
import { renderApp, settle } from './helpers';

afterEach(cleanup);

const note = '2.0.0 is rolling out to 20% of installations; not yet to this one';

describe('staged updates', () => {
  it('shows the staged note on the extension and in the catalog, and nothing when not staged', async () => {
    const bridge = new FakeBridge()
      .handle('extensions.list', () => [extension({ id: 'a.staged', staged: note }), extension({ id: 'b.plain' })])
      .handle('catalog.list', () => [
        { id: 'a.staged', version: '2.0.0', publisher: 'a', installed: '1.0.0', blocked: false, staged: note },
        { id: 'c.free', version: '1.0.0', publisher: 'c', blocked: false },
      ]);
    await renderApp(bridge);
    expect(screen.getByTestId('staged-a.staged').textContent).toBe(`Update staged: ${note}`);
    expect(screen.queryByTestId('staged-b.plain')).toBeNull();
    await act(async () => {
      fireEvent.click(screen.getByTestId('catalog-toggle'));
      await settle();
    });
    expect(screen.getByTestId('catalog-row-a.staged').textContent).toContain(`Update staged: ${note}`);
    expect(screen.getByTestId('catalog-row-c.free').textContent).not.toMatch(/staged/);
  });
});
