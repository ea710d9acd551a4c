/**
 * TEST HOOK for crash-injection tests, inert unless its environment variables are set:
 * `WARDEN_TEST_CRASH_AT_STEP=N` kills this process with SIGKILL at the N-th step of an
 * install/update/rollback/uninstall (every file written, every rename, every state write), and
 * `WARDEN_TEST_CRASH_TRACE=1` prints each step to stderr so a test can count them.
 */
import fs from 'node:fs';

let step = 0;

export function crashPoint(label: string): void {
  const at = Number(process.env.WARDEN_TEST_CRASH_AT_STEP ?? 0);
  const trace = process.env.WARDEN_TEST_CRASH_TRACE === '1';
  if (!at && !trace) return;
  step++;
  if (trace) fs.writeSync(2, `warden-test-step ${step} ${label}\n`);
  if (step === at) process.kill(process.pid, 'SIGKILL');
}
