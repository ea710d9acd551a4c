// Assume breach: SES is already gone. A plain-Node process started by the product's own
// createForkLauncher (in place of the sandbox bootstrap) tries to read the user's and other
// extensions' files, write anywhere, open any socket, run a program, read the host's or a
// neighbour's /proc, and signal anyone. Whenever the launcher says a wall is up, each of these
// must fail, and the listeners the test holds must count zero arrivals.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createForkLauncher } from '../../electron/core/process/fork-launcher';
import { probeWall } from '../../electron/core/process/wall-probe';
import { defaultHelperPath } from '../../electron/core/process/walled-spawn';
import { BOOTSTRAP, CODE_CACHE, ROOT } from '../helpers/sandbox';

interface Probe {
  reached: boolean;
  code?: string;
}
interface Breach {
  wall: { mechanism: string; level: string; label: string };
  results: Record<string, Probe>;
  arrivals: Record<string, number>;
}
const req = createRequire(import.meta.url);
const { runBreach } = req('../fixtures/security/wall-host.cjs') as {
  runBreach(o: {
    createForkLauncher: unknown;
    wall?: string;
    home: string;
    codeDir: string;
    cacheDir?: string;
    flatEntry?: boolean;
  }): Promise<Breach>;
};
const DRIVER = path.join(ROOT, 'test', 'fixtures', 'security', 'wall-driver.cjs');

const FS_AND_EXEC = [
  'readHomeCanary',
  'readDataCanary',
  'listHome',
  'writeHome',
  'writeTmp',
  'writeCode',
  'writeOwnFolder',
  'writeCodeCache',
  'exec',
  'hostEnviron',
  'hostCmdline',
  'neighbourMem',
  'neighbourEnviron',
];
const NET_AND_SIGNALS = ['signalHost', 'signalNeighbour', 'signalEveryone', 'tcp', 'udp', 'unixPath', 'unixAbstract'];

function expectContained(b: Breach, probes: string[]) {
  const escaped = probes.filter((p) => b.results[p]?.reached !== false);
  expect(escaped, `reached behind "${b.wall.label}": ${JSON.stringify(b.results)}`).toEqual([]);
}

function expectOsWall(b: Breach) {
  expect(b.wall.level).toBe('os');
  // bubblewrap lets a datagram leave into the process's own, empty network namespace: whether
  // it escaped is what arrived at the test's socket, counted below.
  const probes = [...FS_AND_EXEC, ...NET_AND_SIGNALS, 'readPasswd'];
  expectContained(b, b.wall.mechanism === 'bubblewrap' ? probes.filter((p) => p !== 'udp') : probes);
  expect(b.arrivals).toEqual({ tcp: 0, udp: 0, unixPath: 0, unixAbstract: 0 });
}

const linux = process.platform === 'linux';
const helperBuilt = fs.existsSync(defaultHelperPath(BOOTSTRAP));
const available = (m: 'bubblewrap' | 'landlock-seccomp') => {
  try {
    probeWall({ choice: m, helperPath: defaultHelperPath(BOOTSTRAP), nodePermissionUsable: true });
    return true;
  } catch {
    return false;
  }
};
const breach = (wall?: string) =>
  runBreach({ createForkLauncher, wall, home: os.homedir(), codeDir: ROOT, cacheDir: CODE_CACHE });

describe('the OS wall around an extension process (assume SES is broken)', () => {
  it('is on by default wherever the machine offers it, and reports itself', () => {
    const launcher = createForkLauncher({ bootstrapPath: BOOTSTRAP, codeCacheDir: CODE_CACHE });
    if (linux && helperBuilt) expect(launcher.wall?.label).toBe('SES + Landlock/seccomp');
    else expect(launcher.wall?.label).toMatch(/^SES (\+ |only)/);
  });

  it('default launcher: every probe fails whenever the wall reports itself up', async () => {
    const b = await breach();
    if (b.wall.level === 'os') expectOsWall(b);
    else if (b.wall.level === 'node') expectContained(b, FS_AND_EXEC);
    else expect(b.wall.label).toBe('SES only');
  });

  it.runIf(linux && available('landlock-seccomp'))('Landlock + seccomp: nothing reachable', async () => {
    const b = await breach('landlock-seccomp');
    expect(b.wall.mechanism).toBe('landlock-seccomp');
    expectOsWall(b);
  });

  it.runIf(linux && available('landlock-seccomp'))(
    'an entry script straight in the temp folder: the temp folder is not granted',
    async () => {
      const b = await runBreach({ createForkLauncher, home: os.homedir(), codeDir: ROOT, flatEntry: true });
      expectOsWall(b);
    },
  );

  it.runIf(linux && available('bubblewrap'))('bubblewrap: nothing reachable', async () => {
    const b = await breach('bubblewrap');
    expect(b.wall.mechanism).toBe('bubblewrap');
    expectOsWall(b);
  });

  it("Node's permission model (the seat belt): no files, /proc or programs", async () => {
    const b = await breach('node-permission');
    expect(b.wall.label).toBe('SES + Node permissions');
    expectContained(b, FS_AND_EXEC);
  });

  it('without a wall the same child reaches what it should not (the probes are real)', async () => {
    const b = await breach('none');
    expect(b.wall.label).toBe('SES only');
    expect(b.results.readHomeCanary?.reached).toBe(true);
    expect(b.results.writeTmp?.reached).toBe(true);
    expect(b.results.tcp?.reached).toBe(true);
    expect(b.arrivals.tcp).toBeGreaterThan(0);
  });

  // Only where uid 65534 can read the checkout at all (a clone inside a 0700 temp folder cannot).
  const setpriv =
    linux &&
    process.getuid?.() === 0 &&
    spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'test', '-r', DRIVER]).status === 0;
  it.runIf(setpriv && helperBuilt)('as an unprivileged user (uid 65534): the same', () => {
    const r = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, DRIVER, 'landlock-seccomp'],
      { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
    );
    expect(r.status, r.stderr).toBe(0);
    expectOsWall(JSON.parse(r.stdout) as Breach);
  });

  it.runIf(linux && helperBuilt)('a confined process dies with its host', async () => {
    const script = [
      `const core = require(${JSON.stringify(path.join(ROOT, 'dist', 'core', 'index.cjs'))});`,
      `const l = core.createForkLauncher({ bootstrapPath: ${JSON.stringify(path.join(ROOT, 'test', 'fixtures', 'security', 'wall-idle', 'idle.cjs'))} });`,
      `const c = l.launch({ extensionId: 'idle', memoryMb: 64 });`,
      `setTimeout(() => console.log(c.pid), 300); setInterval(() => {}, 1000);`,
    ].join('\n');
    const { spawn } = await import('node:child_process');
    const host = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve) =>
      host.stdout!.once('data', (d: Buffer) => resolve(Number(String(d)))),
    );
    // Gone, or a zombie waiting for a reaper this machine's pid 1 may never be: either is dead.
    const alive = () => {
      try {
        return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    expect(alive()).toBe(true);
    host.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    expect(alive()).toBe(false);
  });
});
