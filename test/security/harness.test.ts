// The suite's checks must be able to fail: run the escape payload with the authority an escape
// would have (a plain Node process) and confirm the canary checks and leak markers all notice.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '../helpers/sandbox';
import { createCanary, PAYLOAD } from './harness';

it('the escape payload, run with real authority, trips every canary check (so a clean run means something)', () => {
  const canary = createCanary();
  const scratch = tempDir('warden-payload-');
  try {
    const script = path.join(scratch, 'escaped.cjs');
    fs.writeFileSync(
      script,
      `process.stdout.write(new Function('canary', ${JSON.stringify(PAYLOAD)})(process.argv[2]));`,
    );
    const out = execFileSync(process.execPath, [script, canary.file], { encoding: 'utf8' });
    expect(out.startsWith('ESCAPED')).toBe(true);
    for (const secret of canary.secrets) expect(out).toContain(secret);
    expect(() => canary.expectIntact()).toThrow();
  } finally {
    canary.remove();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});
