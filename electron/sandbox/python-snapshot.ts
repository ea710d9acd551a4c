/**
 * Warden's own Python snapshot maker: `bootstrap.cjs --python-snapshot=<file>`, run by the host
 * (supervision/python-snapshot-store.ts), unconfined so it can write, and never sent extension
 * code. It starts the interpreter exactly as an extension process does (after the same
 * lockdown(), in the same Compartment), writes the wasm memory to <file> and exits; extension
 * processes then start from it in about a third of the time (docs/python.md, "Costs").
 */
import fs from 'node:fs';
import { loadPython } from './python-runtime';

export const PYTHON_SNAPSHOT_FLAG = '--python-snapshot=';
/** The wasm memory maximum while the snapshot is made; the snapshot itself is ~30 MiB. */
const SNAPSHOT_MEMORY_MB = 256;

export async function writePythonSnapshot(file: string): Promise<void> {
  const rt = await loadPython({
    extension: { id: 'warden.python-snapshot', version: '0.0.0' },
    files: {},
    main: '',
    memoryMb: SNAPSHOT_MEMORY_MB,
    declaredCommands: new Set(),
    handlers: new Map(),
    host: {},
    log: () => undefined,
    timers: { setTimeout, clearTimeout, setInterval, clearInterval },
    makeSnapshot: true,
  });
  fs.writeFileSync(file, rt.snapshot!, { mode: 0o600 });
}
