// Issue 17: a hostile Python extension tries every escape of the research table
// (../shared/research/python-runtime.md §5) in a real extension process started by the
// supervisor as the app and the CLI start it (fork launcher, OS wall where this machine has one,
// the Python snapshot made and checked as in `warden run`). The hang allowance is raised: on a
// loaded shared machine a niced child can be starved for seconds between two heartbeats. The parent holds a TCP listener on loopback and counts the
// connections that reach it: there must be none. Each probe must be blocked, or confined to the
// Compartment (a JS eval that sees no `process`, an in-memory file system).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP, CODE_CACHE, ROOT, createTestHost, load, tempDir, type TestHost } from '../helpers/sandbox';

let work: string;
let dir: string;
let server: net.Server;
let connections = 0;
let port = 0;

beforeAll(async () => {
  work = tempDir('warden-py-escape-');
  dir = path.join(work, 'probe');
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'python', 'probes.py'), path.join(dir, 'main.py'));
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      id: 'bad.py-escape',
      name: 'Python escape probes',
      version: '1.0.0',
      publisher: 'bad',
      runtime: 'python',
      main: 'main.py',
      engines: { warden: '^1.0.0' },
      contributes: { commands: [{ id: 'probes', title: 'probes' }] },
    }),
  );
  server = net.createServer((s) => {
    connections++;
    s.end('HTTP/1.0 200 OK\r\n\r\nreached');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
  fs.rmSync('/tmp/warden-py-escape', { force: true });
});
let h: TestHost | undefined;
afterAll(async () => {
  await h?.close();
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(work, { recursive: true, force: true });
});

describe('Python escapes in a real extension process', () => {
  it('blocks every probe of the research table; host works; no connection reaches the parent', async () => {
    h = createTestHost({
      timeouts: { hangMs: 120_000 },
      pythonSnapshot: { bootstrapPath: BOOTSTRAP, dir: CODE_CACHE },
    });
    h.supervisor.add(await load(dir));
    const out = (await h.supervisor.invoke('bad.py-escape', 'probes', { port }, { timeoutMs: 600_000 })) as {
      type: string;
      value: Record<string, string>;
    };
    expect(out.type).toBe('json');
    const p = out.value;
    console.log(
      `[python escapes]\n${Object.entries(p)
        .map(([k, v]) => `  ${k}: ${v}`)
        .join('\n')}`,
    );
    // No process is started: Emscripten's system() finds no child_process in the Compartment.
    for (const k of ['os.system', 'posix.system', 'ctypes.system']) expect(p[k], k).toMatch(/^ok: -1$|^err: /);
    expect(fs.existsSync('/tmp/warden-py-escape')).toBe(false);
    // emscripten_run_script: evaluates in the Compartment, which has no process or require.
    expect(p['ctypes.run_script_int']).toMatch(/^ok: 7$|^err: /);
    expect(p['ctypes.run_script_globals']).toBe("ok: b'none'");
    expect(p['js.process']).toMatch(/^err: /);
    expect(p['from js import eval']).toMatch(/^err: /);
    expect(p['run_js typeof process']).toMatch(/^ok: 'undefined,undefined,undefined'$|^err: /);
    expect(p['run_js import()']).toMatch(/^err: /);
    expect(p['run_js constructor']).toMatch(/^ok: 'undefined'$|^err: /);
    expect(p['mountNodeFS']).toMatch(/^err: /);
    expect(p['loadBinaryFile']).toMatch(/^err: /);
    expect(p['bridge constructor']).toMatch(/^err: /);
    // Sockets and HTTP fail closed: there is no WebSocket, fetch or Node net in the Compartment.
    for (const k of ['socket', 'urllib', 'pyfetch']) expect(p[k], k).toMatch(/^err: /);
    expect(connections).toBe(0);
    // Files: an in-memory file system only.
    expect(p['open /etc/passwd']).toMatch(/^err: FileNotFoundError/);
    expect(p['listdir /']).not.toMatch(/'etc'|'usr'|'root'|'proc'.*'sys'/);
    expect(p['subprocess']).toMatch(/^err: /);
    // Emscripten's made-up environment (PATH=/, USER=web_user), nothing of the host's.
    expect(p['environ']).not.toMatch(/WARDEN|NODE|\/tmp\/|\/work\/|\/root/);
    // The one door out works, with the same error codes as JavaScript.
    expect(p['host.extension']).toBe("ok: 'bad.py-escape'");
    expect(p['host.storage']).toBe("ok: {'a': [1, 2]}");
    expect(p['host error code']).toMatch(/^err: HostError: E(PERM|ACCES)/);
  }, 700_000);
});
