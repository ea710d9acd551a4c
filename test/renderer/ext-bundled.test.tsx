// The extension row lists what the package bundles (its SBOM) and alerts on vulnerable packages.
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBridge } from './fake-bridge';
import { extension } from './fixtures';
import { renderApp } from './helpers';

afterEach(cleanup);

describe('extension row: bundled packages and advisories', () => {
  it('lists bundled packages with licences, alerts with the fixed version, and names a missing SBOM', async () => {
    const bridge = new FakeBridge().handle('extensions.list', () => [
      extension({
        id: 'a.lodash',
        bundled: { status: 'present', packages: [{ name: 'lodash', version: '4.17.15', licenses: ['MIT'] }] },
        advisories: [
          {
            id: 'GHSA-35jh-r3h4-6jhm',
            aliases: ['CVE-2021-23337'],
            summary: 'Command Injection in lodash',
            severity: 'high',
            package: 'lodash',
            version: '4.17.15',
            fixed: '4.17.21',
          },
        ],
      }),
      extension({ id: 'b.old', bundled: { status: 'absent', packages: [] } }),
      extension({ id: 'c.dev' }),
    ]);
    await renderApp(bridge);
    expect(screen.getByTestId('ext-bundled-a.lodash').textContent).toContain('lodash@4.17.15 (MIT)');
    const alert = screen.getByTestId('ext-advisories-a.lodash');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.className).toMatch(/bad/);
    expect(alert.textContent).toContain('GHSA-35jh-r3h4-6jhm, CVE-2021-23337 (high) Command Injection in lodash');
    expect(alert.textContent).toContain('fixed in 4.17.21');
    expect(screen.getByTestId('ext-bundled-b.old').textContent).toMatch(/^No bill of materials/);
    expect(screen.queryByTestId('ext-bundled-c.dev')).toBeNull();
  });
});
