// What every extension process loads: the sandbox's two entries (bootstrap.ts, and the start-up
// snapshot's snapshot-entry.ts) must not reach zod. Its module initialisation (~420 KB of source,
// thousands of objects) cost every start ~50 ms after lockdown, and made the start-up snapshot's
// blob 1.7 MB larger (every process reads and deserialises all of it). A constant or helper the
// sandbox needs lives in a schema-free module (protocol-limits.ts, source-map-positions.ts).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '..', '..');

async function inputsOf(entry: string): Promise<string[]> {
  const r = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(r.metafile.inputs);
}

describe('sandbox bundle dependencies', () => {
  for (const entry of ['electron/sandbox/bootstrap.ts', 'electron/sandbox/snapshot-entry.ts']) {
    it(`${entry} reaches no zod module`, async () => {
      const inputs = await inputsOf(entry);
      expect(inputs.some((f) => f.includes('electron/sandbox/runtime.ts'))).toBe(true);
      expect(inputs.filter((f) => /node_modules\/zod\//.test(f))).toEqual([]);
    });
  }

  // The snapshot keeps the bundle's source as a V8 string in the blob: one non-Latin-1 character
  // (a comment's dash) makes it two bytes a character. The build (global setup) strips comments.
  for (const file of ['dist/sandbox/sandbox.cjs', 'dist/sandbox/snapshot.cjs']) {
    it(`${file} is ASCII`, () => {
      const text = fs.readFileSync(path.join(root, file), 'latin1');
      expect(text.length).toBeGreaterThan(100_000);
      expect([...text].filter((c) => c.charCodeAt(0) > 0x7f)).toEqual([]);
    });
  }
});
