// The extension row lists the deprecated host calls the extension made, with the replacement.
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBridge } from './fake-bridge';
import { extension } from './fixtures';
import { renderApp } from './helpers';

afterEach(cleanup);

describe('extension row: deprecated host calls', () => {
  it('names the call, when it stops working and what to use; nothing when there is none', async () => {
    const bridge = new FakeBridge().handle('extensions.list', () => [
      extension({
        id: 'a.old',
        deprecatedCalls: [
          { call: 'fs.read', removedIn: '2.0.0', replacement: 'fs.readText', removed: false, message: 'renamed' },
        ],
      }),
      extension({ id: 'b.new' }),
    ]);
    await renderApp(bridge);
    expect(screen.getByTestId('ext-deprecated-a.old').textContent).toBe(
      'Uses host.fs.read, which is deprecated and stops working in API 2.0.0 (use host.fs.readText).',
    );
    expect(screen.queryByTestId('ext-deprecated-b.new')).toBeNull();
  });
});
