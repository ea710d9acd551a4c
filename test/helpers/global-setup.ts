// The sandbox runs as a built file in a real child process: build it (and the examples) once.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function setup(): void {
  // Parallel runs may share one build: WARDEN_SKIP_BUILD=1 uses dist/ as it is.
  if (process.env.WARDEN_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'build.mjs')], {
    stdio: 'inherit',
    env: { ...process.env, WARDEN_QUIET_BUILD: '1' },
  });
}
