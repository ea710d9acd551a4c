// The Electron adapter, driven by a fake `fork`: electron itself is never loaded here.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createUtilityProcessLauncher,
  utilityForkOptions,
  type UtilityFork,
} from '../../electron/main/utility-process-launcher';
import type { ExitInfo } from '../../electron/core/process/launcher';

type ForkOptions = NonNullable<Parameters<UtilityFork>[2]>;

/** The few members of Electron's UtilityProcess the launcher uses, recorded. */
class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined = 4242;
  stdout = new PassThrough();
  stderr = new PassThrough();
  posted: unknown[] = [];
  kills = 0;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.kills++;
    return true;
  }
}

function fakeFork() {
  const calls: Array<{ modulePath: string; args: string[] | undefined; options: ForkOptions | undefined }> = [];
  let last: FakeUtilityProcess | undefined;
  const fork: UtilityFork = (modulePath, args, options) => {
    calls.push({ modulePath, args, options });
    last = new FakeUtilityProcess();
    return last as unknown as ReturnType<UtilityFork>;
  };
  return { fork, calls, child: () => last! };
}

const SPEC = { extensionId: 'acme.word-count', memoryMb: 96 };

describe('utilityForkOptions', () => {
  it('names the process, caps the heap through --js-flags and pipes stdio', () => {
    const o = utilityForkOptions(SPEC);
    expect(o.serviceName).toBe('ext:acme.word-count');
    expect(o.execArgv).toEqual(['--js-flags=--max-old-space-size=96']);
    expect(o.stdio).toBe('pipe');
  });

  it('hands the child none of the host environment', () => {
    const env = utilityForkOptions(SPEC).env ?? {};
    const inherited = Object.keys(env).filter((k) => k in process.env);
    expect(inherited).toEqual(process.platform === 'win32' ? ['SYSTEMROOT'] : []);
  });

  it('does not share one env object between launches', () => {
    const a = utilityForkOptions(SPEC).env as Record<string, string>;
    a.LEAK = 'x';
    expect(utilityForkOptions(SPEC).env).not.toHaveProperty('LEAK');
  });
});

describe('createUtilityProcessLauncher', () => {
  it('forks the bootstrap with the options for the spec', () => {
    const f = fakeFork();
    const child = createUtilityProcessLauncher({ fork: f.fork, bootstrapPath: '/app/sandbox/bootstrap.cjs' }).launch(
      SPEC,
    );
    expect(f.calls).toEqual([
      { modulePath: '/app/sandbox/bootstrap.cjs', args: [], options: utilityForkOptions(SPEC) },
    ]);
    expect(child.pid).toBe(4242);
  });

  it('wires messages both ways', () => {
    const f = fakeFork();
    const child = createUtilityProcessLauncher({ fork: f.fork, bootstrapPath: 'b.cjs' }).launch(SPEC);
    const received: unknown[] = [];
    child.onMessage((m) => received.push(m));
    f.child().emit('message', { t: 'hello' });
    expect(received).toEqual([{ t: 'hello' }]);
    child.send({ t: 'stop' });
    expect(f.child().posted).toEqual([{ t: 'stop' }]);
  });

  it('reports stdout and stderr as lines', async () => {
    const f = fakeFork();
    const child = createUtilityProcessLauncher({ fork: f.fork, bootstrapPath: 'b.cjs' }).launch(SPEC);
    const lines: string[] = [];
    child.onOutput((l) => lines.push(l));
    f.child().stdout.write('one\ntw');
    f.child().stdout.write('o\n');
    f.child().stderr.write('FATAL ERROR: Reached heap limit\n');
    await new Promise((r) => setImmediate(r)); // stream 'data' may be delivered on a later tick
    expect(lines).toEqual(['one', 'two', 'FATAL ERROR: Reached heap limit']);
  });

  it('reports exit once, and sends and kills nothing after it', () => {
    const f = fakeFork();
    const child = createUtilityProcessLauncher({ fork: f.fork, bootstrapPath: 'b.cjs' }).launch(SPEC);
    const exits: ExitInfo[] = [];
    child.onExit((i) => exits.push(i));
    child.kill();
    expect(f.child().kills).toBe(1);
    f.child().emit('exit', 9);
    f.child().emit('exit', 9);
    expect(exits).toEqual([{ code: 9, signal: null }]);
    child.send({ t: 'stop' });
    child.kill();
    expect(f.child().posted).toEqual([]);
    expect(f.child().kills).toBe(1);
  });
});
