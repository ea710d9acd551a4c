// The OS wall's pure parts: the command lines per mechanism, the wrapper's status line, the
// macOS profile generator, the runtime-file parsers and the level arithmetic policy relies on.
import { describe, expect, it } from 'vitest';
import { wallMeets, wallStatus } from '../../electron/common/wall';
import { codeCacheTag } from '../../electron/common/code-cache-key';
import { mappedLibraries, parseLdd } from '../../electron/core/process/runtime-files';
import { sbplString, seatbeltProfile } from '../../electron/core/process/seatbelt-profile';
import { nodePermissionFlags, planWalledSpawn, type WallPlanInput } from '../../electron/core/process/wall-plan';
import { confineComplete, parseConfineStatus, probeWall } from '../../electron/core/process/wall-probe';

const base: WallPlanInput = {
  mechanism: 'landlock-seccomp',
  runtime: '/usr/bin/node',
  runtimeFlags: ['--max-old-space-size=128'],
  entry: ['/app/dist/sandbox/bootstrap.cjs', '--code-cache-dir=/data/cache/v8'],
  readPaths: ['/usr/bin/node', '/lib/x86_64-linux-gnu/libc.so.6', '/app/dist/sandbox', '/data/cache/v8'],
  nodeReadDirs: ['/app/dist/sandbox', '/data/cache/v8'],
  helperPath: '/app/dist/native/warden-confine',
  parentPid: 4242,
  nodeMajor: 20,
};

describe('planWalledSpawn', () => {
  it('Landlock/seccomp: the helper, each read path once, then the runtime after --', () => {
    const p = planWalledSpawn(base);
    expect(p.file).toBe('/app/dist/native/warden-confine');
    expect(p.reportsOnFd).toBe(true);
    const dash = p.args.indexOf('--');
    expect(p.args.slice(0, 4)).toEqual(['--status-fd', '4', '--parent-pid', '4242']);
    expect(p.args.slice(4, dash).filter((a) => a !== '--allow')).toEqual(base.readPaths);
    expect(p.args.slice(dash + 1)).toEqual(['/usr/bin/node', ...base.runtimeFlags, ...base.entry]);
  });

  it('bubblewrap: all namespaces, dies with the parent, read-only binds only, no tmpfs to write', () => {
    const p = planWalledSpawn({ ...base, mechanism: 'bubblewrap' });
    expect(p.file).toBe('bwrap');
    for (const flag of ['--unshare-all', '--die-with-parent', '--new-session', '--clearenv'])
      expect(p.args).toContain(flag);
    expect(p.args).not.toContain('--bind');
    expect(p.args).not.toContain('--tmpfs');
    expect(p.args).not.toContain('--share-net');
    expect(p.args.join(' ')).toContain('--remount-ro /');
    expect(p.args.join(' ')).toContain('--ro-bind /app/dist/sandbox /app/dist/sandbox');
    const electron = planWalledSpawn({ ...base, mechanism: 'bubblewrap', runtimeEnv: { ELECTRON_RUN_AS_NODE: '1' } });
    expect(electron.args.join(' ')).toContain('--clearenv --setenv ELECTRON_RUN_AS_NODE 1');
  });

  it("Node's permission model: reads beneath the sandbox folders only, per Node's spelling", () => {
    expect(nodePermissionFlags(20, ['/a/', '/b'])).toEqual(['--experimental-permission', '--allow-fs-read=/a/*,/b/*']);
    expect(nodePermissionFlags(22, ['/a', '/b'])).toEqual([
      '--permission',
      '--allow-fs-read=/a/*',
      '--allow-fs-read=/b/*',
    ]);
    expect(nodePermissionFlags(20, ['/a'], ['/tmp/e.cjs'])).toEqual([
      '--experimental-permission',
      '--allow-fs-read=/a/*,/tmp/e.cjs',
    ]);
    expect(() => nodePermissionFlags(20, ['/a,b'])).toThrow(/comma/);
    const p = planWalledSpawn({ ...base, mechanism: 'node-permission' });
    expect(p.file).toBe('/usr/bin/node');
    expect(p.args.some((a) => a.startsWith('--allow-fs-write') || a.startsWith('--allow-child'))).toBe(false);
    expect(p.args.at(-2)).toBe(base.entry[0]);
  });

  it('none: the runtime as today', () => {
    expect(planWalledSpawn({ ...base, mechanism: 'none' }).args).toEqual([...base.runtimeFlags, ...base.entry]);
  });
});

describe('the wrapper status line', () => {
  it('is complete only with every layer', () => {
    const line = 'warden-confine 1 landlock=7 fs=1 net=1 scope=1 seccomp=1 nnp=1 session=1 pdeathsig=1\n';
    expect(parseConfineStatus(line)).toMatchObject({ landlock: 7, seccomp: 1 });
    expect(confineComplete(parseConfineStatus(line))).toBe(true);
    expect(confineComplete(parseConfineStatus(line.replace('seccomp=1', 'seccomp=0')))).toBe(false);
    expect(confineComplete(parseConfineStatus('warden-confine 1 landlock=0 fs=0'))).toBe(false);
    expect(parseConfineStatus('hello')).toBeUndefined();
  });
});

describe('probeWall', () => {
  it('falls back in order and says why; a named mechanism that is missing is an error', () => {
    const r = probeWall({ choice: 'auto', helperPath: '/nonexistent', nodePermissionUsable: true, platform: 'darwin' });
    expect(r.status.label).toBe('SES + Node permissions');
    expect(r.skipped.join('\n')).toMatch(/landlock-seccomp/);
    expect(probeWall({ choice: 'auto', nodePermissionUsable: false, platform: 'win32' }).status.label).toBe('SES only');
    expect(() =>
      probeWall({
        choice: 'landlock-seccomp',
        helperPath: '/nonexistent',
        nodePermissionUsable: true,
        platform: 'darwin',
      }),
    ).toThrow(/not available/);
  });
});

describe('wall levels', () => {
  it('orders os > node > none', () => {
    expect(wallMeets('os', 'node')).toBe(true);
    expect(wallMeets('node', 'os')).toBe(false);
    expect(wallMeets('none', 'none')).toBe(true);
    expect(wallStatus('bubblewrap').level).toBe('os');
    expect(wallStatus('none').label).toBe('SES only');
  });
});

describe('runtime files', () => {
  it('reads ldd output and /proc/self/maps', () => {
    const ldd = [
      '\tlinux-vdso.so.1 (0x00007ffd)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f83)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f83)',
    ].join('\n');
    expect(parseLdd(ldd)).toEqual(['/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
    const maps = [
      '55d0 r--p 00000000 08:01 1 /usr/bin/node',
      '7f00 r-xp 00000000 08:01 2 /usr/lib/x86_64-linux-gnu/libm.so.6',
      '7f01 rw-p 00000000 00:00 0 [heap]',
      '7f02 r--p 00000000 08:01 3 /home/user/.cache/fontconfig/x.cache-8',
    ].join('\n');
    expect(mappedLibraries(maps)).toEqual(['/usr/lib/x86_64-linux-gnu/libm.so.6']);
  });

  it("the code-cache key ignores the permission model's flags (they do not change V8's code)", () => {
    const plain = codeCacheTag('v20.0.0', 'x64', ['--max-old-space-size=128']);
    expect(
      codeCacheTag('v20.0.0', 'x64', ['--experimental-permission', '--allow-fs-read=/a/*', '--max-old-space-size=128']),
    ).toBe(plain);
    expect(codeCacheTag('v20.0.0', 'x64', ['--max-old-space-size=64'])).not.toBe(plain);
  });
});

describe('the macOS seatbelt profile', () => {
  it('denies by default and grants read beneath exactly the given folders', () => {
    const p = seatbeltProfile({
      runtime: '/Applications/Warden.app/Contents/MacOS/Warden',
      readPaths: ['/b/sandbox/', '/a/cache'],
    });
    expect(p.split('\n').slice(0, 2)).toEqual(['(version 1)', '(deny default)']);
    expect(p).toContain('(allow file-read* (subpath "/a/cache"))');
    expect(p).toContain('(allow file-read* (subpath "/b/sandbox"))');
    expect(p).toContain('(allow process-exec (literal "/Applications/Warden.app/Contents/MacOS/Warden"))');
    expect(p).not.toMatch(/\(allow (file-write|network|process-fork)/);
    expect(p).toContain('(allow signal (target self))');
  });

  it('quotes paths so none can end the string and inject a rule', () => {
    expect(sbplString('/x/a"b\\c')).toBe('"/x/a\\"b\\\\c"');
    const p = seatbeltProfile({ runtime: '/n', readPaths: ['/evil") (allow network*) ("'] });
    expect(p).not.toMatch(/^\(allow network\*\)/m);
    expect(p).toContain('(subpath "/evil\\") (allow network*) (\\"")');
    expect(() => seatbeltProfile({ runtime: '/n', readPaths: ['relative/dir'] })).toThrow(/absolute/);
    expect(() => sbplString('/a\0b')).toThrow(/NUL/);
  });
});

describe('bundleGrant', () => {
  it('grants the bundle folder, but only the entry file when its folder is broad', async () => {
    const { bundleGrant } = await import('../../electron/core/process/walled-spawn');
    const home = '/home/me';
    expect(bundleGrant('/opt/warden/dist/sandbox/bootstrap.cjs', home, '/tmp')).toBe('/opt/warden/dist/sandbox');
    expect(bundleGrant('/tmp/warden-x1/entry.cjs', home, '/tmp')).toBe('/tmp/warden-x1');
    expect(bundleGrant('/tmp/hostile.cjs', home, '/tmp')).toBe('/tmp/hostile.cjs');
    expect(bundleGrant('/home/me/hostile.cjs', home, '/tmp')).toBe('/home/me/hostile.cjs');
    expect(bundleGrant('/home/hostile.cjs', home, '/tmp')).toBe('/home/hostile.cjs');
    expect(bundleGrant('/hostile.cjs', home, '/tmp')).toBe('/hostile.cjs');
    expect(bundleGrant('/var/tmp/hostile.cjs', home, '/tmp')).toBe('/var/tmp/hostile.cjs');
    expect(bundleGrant('/home/me/project/dist/sandbox/bootstrap.cjs', home, '/tmp')).toBe(
      '/home/me/project/dist/sandbox',
    );
  });
});
