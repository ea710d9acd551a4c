import { defineConfig } from 'vitest/config';

// Tiers (house rule 8): unit (in-process), integration (real processes, files,
// sockets), security (hostile extensions against the real sandbox), compat (npm libraries
// unmodified in the sandbox). e2e and bench run apart.
export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: { name: 'security', include: ['test/security/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        // The React panel in a simulated DOM, against a fake bridge. No build or processes needed,
        // so it does not extend the root (whose global setup builds dist/).
        test: { name: 'renderer', include: ['test/renderer/**/*.test.{ts,tsx}'], environment: 'happy-dom' },
        esbuild: { jsx: 'automatic' },
      },
      {
        // Ordinary npm libraries bundled by the real `warden build` and run in the real sandbox.
        extends: true,
        test: { name: 'compat', include: ['test/compat/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 300_000 },
      },
    ],
  },
});
