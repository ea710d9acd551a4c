// Issue 17 item 4: a Python start does not hash the runtime (14 MB) and the memory snapshot
// (31 MB) again. The host verifies each once per file identity and remembers it in the code-cache
// folder (python-verified.json); the sandbox reads the files through descriptors whose identity
// it checks. Through the real `warden run`: the second run (a new host process) hashes nothing,
// in the host (its record is not rewritten) or in the sandbox (its phase line), and still answers.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, runCli, tempDir } from '../helpers/sandbox';

const LONG = 600_000; // a first run makes the snapshot (a cold start): seconds, more when loaded
let work: string;
let ext: string;
beforeAll(() => {
  work = tempDir('warden-py-verified-');
  ext = path.join(work, 'py-json-tools');
  fs.cpSync(path.join(EXAMPLES, 'py-json-tools'), ext, { recursive: true });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const run = (dataDir: string, text: string) =>
  runCli(
    ['run', ext, 'py-json-tools.format', '--args', JSON.stringify({ text }), '--verbose', '--data-dir', dataDir],
    {},
    LONG,
  );
const identity = (file: string) => {
  const s = fs.statSync(file, { bigint: true });
  return `${s.ino}:${s.mtimeNs}:${s.ctimeNs}`;
};

describe('a Python start from the verified snapshot', () => {
  it(
    'hashes nothing on the next run and still answers',
    async () => {
      const dataDir = path.join(work, 'data');
      const first = await run(dataDir, '[1]');
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout.trim()).toBe('[\n  1\n]');
      // The host verified the runtime's files and the snapshot it made, and remembers them.
      const record = path.join(dataDir, 'cache', 'v8', 'python-verified.json');
      const files = (JSON.parse(fs.readFileSync(record, 'utf8')) as { files: Record<string, string> }).files;
      expect(Object.keys(files).length).toBeGreaterThanOrEqual(5); // 4 runtime files and the snapshot
      const before = identity(record);

      const second = await run(dataDir, '[2,3]');
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout.trim()).toBe('[\n  2,\n  3\n]');
      const line = /python started in \d+ ms .*/.exec(second.stderr)?.[0];
      console.log(`[python verified start] ${line}`);
      expect(line).toMatch(/\(from a snapshot\) — snapshot read .*runtime files read .*; hashed 0\.0 MB$/);
      // Nothing new was verified (hashed) by the host either: its record was not rewritten.
      expect(identity(record)).toBe(before);
    },
    LONG,
  );
});
