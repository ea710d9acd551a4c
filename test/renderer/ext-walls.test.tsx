// The extension row says which walls confine the process (docs/os-wall.md), and flags SES alone.
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBridge } from './fake-bridge';
import { extension } from './fixtures';
import { renderApp } from './helpers';

afterEach(cleanup);

describe('extension row: walls', () => {
  it('shows the walls, marks "SES only" as a warning, and shows nothing when the host did not say', async () => {
    const bridge = new FakeBridge().handle('extensions.list', () => [
      extension({ id: 'a.os', walls: 'SES + Landlock/seccomp' }),
      extension({ id: 'b.ses', walls: 'SES only' }),
      extension({ id: 'c.none' }),
    ]);
    await renderApp(bridge);
    const os = screen.getByTestId('ext-walls-a.os');
    expect(os.textContent).toBe('Walls: SES + Landlock/seccomp');
    expect(os.className).not.toMatch(/warn/);
    expect(screen.getByTestId('ext-walls-b.ses').className).toMatch(/warn/);
    expect(screen.queryByTestId('ext-walls-c.none')).toBeNull();
  });
});
