// Writes the benchmark's fixture extension(s) into a temp folder at run time.
import fs from 'node:fs';
import path from 'node:path';

/** Heap cap used for both the extension (manifest limits.memoryMb) and the floor child. */
export const MEMORY_MB = 128;

/** The guest code: one trivial command, one host-call loop timed inside the sandbox. */
const SOURCE = `'use strict';
exports.activate = () => {
  host.commands.register('ping', () => 'pong');
  host.commands.register('hostloop', async ({ n }) => {
    const t0 = Date.now();
    for (let i = 0; i < n; i++) await host.storage.get('k');
    return { elapsedMs: Date.now() - t0, n };
  });
};
`;

/** Writes `<parent>/<id>/{manifest.json,dist/extension.js}` and returns the folder. */
export function writeBenchExtension(parent, id) {
  const dir = path.join(parent, id);
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  const manifest = {
    id,
    name: `Bench ${id}`,
    version: '1.0.0',
    publisher: id.split('.')[0],
    main: 'dist/extension.js',
    engines: { warden: '^1.0.0' },
    activation: 'onCommand',
    contributes: {
      commands: [
        { id: 'ping', title: 'Ping' },
        { id: 'hostloop', title: 'Host-call loop', params: { n: { type: 'number', title: 'Calls' } } },
      ],
    },
    limits: { memoryMb: MEMORY_MB },
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(dir, 'dist', 'extension.js'), SOURCE);
  return dir;
}
