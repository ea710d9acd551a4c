// Builds dist/ (host, sandbox, CLI, renderer, examples) once before the browser tests, like the
// vitest tiers do. `npm test` has already built: it sets WARDEN_SKIP_BUILD=1.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function globalSetup(): void {
  if (process.env.WARDEN_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'build.mjs')], {
    stdio: 'inherit',
    env: { ...process.env, WARDEN_QUIET_BUILD: '1' },
  });
}
