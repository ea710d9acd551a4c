// A compromised extension process: one that bypassed SES entirely and writes what it likes to
// the host channel (test/fixtures/security/hostile-child.cjs, plain Node). The host must survive,
// drop and count what breaks the protocol, kill the offender with a logged reason, believe none
// of its claims about identity, and keep a well-behaved neighbour answering throughout.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP, CODE_CACHE, createTestHost, ROOT, tempDir, type TestHost } from '../helpers/sandbox';
import { createForkLauncher } from '../../electron/core/process/fork-launcher';
import type { Launcher } from '../../electron/core/process/launcher';
import type { LogEntry } from '../../electron/core/platform/logger';
import type { CommandResult } from '../../electron/common/command-result';
import { createCanary, jsonValue, type Canary } from './harness';
import { NEIGHBOUR_COMMANDS, NEIGHBOUR_SOURCE, whileNeighbourAnswers as answering, type Settled } from './neighbour';

const HOSTILE_CHILD = path.join(ROOT, 'test', 'fixtures', 'security', 'hostile-child.cjs');
const NEIGHBOUR = 'good.neighbour';
// Long enough that a noisy machine never trips it for the neighbour; short enough to wait for.
const TIMEOUTS = { hangMs: 3000, heartbeatMs: 100 };

let host: TestHost;
let canary: Canary;
let entries: string;
/** Extension id → the launcher that starts it; everything else runs the real sandbox. */
const routes = new Map<string, Launcher>();

beforeAll(async () => {
  canary = createCanary();
  entries = tempDir('warden-hostile-');
  const sandbox = createForkLauncher({ bootstrapPath: BOOTSTRAP, codeCacheDir: CODE_CACHE });
  const launcher: Launcher = { launch: (spec) => (routes.get(spec.extensionId) ?? sandbox).launch(spec) };
  host = createTestHost({ launcher, timeouts: TIMEOUTS });
  await host.add({
    id: NEIGHBOUR,
    commands: NEIGHBOUR_COMMANDS,
    source: NEIGHBOUR_SOURCE,
  });
  expect(await host.supervisor.invoke(NEIGHBOUR, 'setup')).toEqual({ type: 'text', text: 'ok' });
});
afterEach(() => {
  canary.expectIntact();
  const log = JSON.stringify(host.logs.entries);
  for (const s of canary.secrets) expect(log.includes(s)).toBe(false);
});
afterAll(async () => {
  await host?.close();
  canary?.remove();
  fs.rmSync(entries, { recursive: true, force: true });
});

/** Adds an extension whose process is the hostile child running `behaviour`. */
async function addHostile(behaviour: string): Promise<string> {
  // The launcher passes no environment or arguments, so each behaviour gets its own entry file.
  // Beside the entry: under the OS wall a child reads nothing outside its bundle's folder.
  const entry = path.join(entries, `${behaviour}.cjs`);
  fs.copyFileSync(HOSTILE_CHILD, path.join(entries, 'hostile-child.cjs'));
  fs.writeFileSync(entry, `require('./hostile-child.cjs').run(${JSON.stringify(behaviour)});\n`);
  const id = `hostile.${behaviour}-${routes.size}`;
  routes.set(id, createForkLauncher({ bootstrapPath: entry }));
  await host.add({ id, source: '/* never evaluated: the hostile child ignores it */' });
  await host.supervisor.start(id);
  return id;
}

/** Runs the hostile command while the neighbour keeps answering (see neighbour.ts). */
const whileNeighbourAnswers = (work: Promise<unknown>) => answering(host, NEIGHBOUR, work);

const logsOf = (id: string): LogEntry[] => host.logs.entries.filter((e) => e.ext === id);
const dropped = (id: string) => logsOf(id).filter((e) => e.msg.startsWith('dropped message from extension'));

/** The hostile command ends in a rejection and the process is gone, with the reason recorded. */
function expectKilled(id: string, settled: Settled, reason: RegExp): void {
  expect(settled.ok, 'the hostile command must not succeed').toBe(false);
  const status = host.supervisor.status(id);
  expect(status.state).toBe('crashed');
  expect(status.lastExit).toMatchObject({ expected: false, reason: expect.stringMatching(reason) });
  expect(logsOf(id).some((e) => e.level === 'warn' && reason.test(e.msg))).toBe(true);
}

describe('a child that writes straight to the channel', () => {
  it('random garbage bytes: counted as a violation, the child is killed, the neighbour keeps answering', async () => {
    const id = await addHostile('garbage');
    const { settled, answers } = await whileNeighbourAnswers(host.supervisor.invoke(id, 'run', {}));
    expectKilled(id, settled, /unresponsive|protocol violations/);
    expect(dropped(id).length).toBeGreaterThanOrEqual(1);
    expect(answers).toBeGreaterThanOrEqual(1);
  });

  it('well-framed but undecodable payloads are violations until the child is killed', async () => {
    const id = await addHostile('undecodable');
    const { settled, answers } = await whileNeighbourAnswers(host.supervisor.invoke(id, 'run', {}));
    expectKilled(id, settled, /too many protocol violations \(\d+\)/);
    // The structural pre-scan (common/v8-scan.ts) usually refuses such bytes before a decode is tried.
    expect(dropped(id).some((e) => /undecodable|refused before decoding/.test(e.msg))).toBe(true);
    // Logging of violations is bounded: 500 bad frames are not 500 log lines.
    expect(dropped(id).length).toBeLessThanOrEqual(20);
    expect(answers).toBeGreaterThanOrEqual(1);
  });

  it('a frame announcing 1 GiB is skipped unread (no allocation), logged, and the then-silent child killed as unresponsive', async () => {
    const id = await addHostile('oversize');
    const before = process.memoryUsage().arrayBuffers;
    const { settled, answers } = await whileNeighbourAnswers(host.supervisor.invoke(id, 'run', {}));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(256 * 1024 * 1024);
    expect(dropped(id).some((e) => /oversized frame \(1073741824 bytes\)/.test(e.msg))).toBe(true);
    // Its heartbeats vanish into the skipped frame, so the watchdog ends it.
    expectKilled(id, settled, /unresponsive/);
    expect(answers).toBeGreaterThanOrEqual(1);
  });

  it('a burst of 50 000 invalid messages: killed after the violation threshold, host and neighbour unaffected', async () => {
    const id = await addHostile('flood');
    const { settled, answers } = await whileNeighbourAnswers(host.supervisor.invoke(id, 'run', {}));
    expectKilled(id, settled, /too many protocol violations/);
    expect(dropped(id).length).toBeLessThanOrEqual(20);
    expect(answers).toBeGreaterThanOrEqual(1);
  });

  it('protocol-breaking and identity-spoofing messages are dropped and counted, and nothing they claim is believed', async () => {
    const id = await addHostile('spoof');
    // The neighbour has a call in flight, so a spoofed result would have something to settle.
    const held = host.supervisor.invoke(NEIGHBOUR, 'hold');
    held.catch(() => {}); // awaited below; if the test fails first, not an unhandled rejection
    const { settled, answers } = await whileNeighbourAnswers(
      host.supervisor.invoke(id, 'run', { other: NEIGHBOUR, canary: canary.file }),
    );
    expect(answers).toBeGreaterThanOrEqual(1);
    if (!settled.ok) throw settled.error;
    const value = jsonValue<{ invalidSent: number; replies: Record<string, unknown> }>({
      result: settled.value as CommandResult,
    });
    // Every invalid message was counted; none was fatal (fewer than the kill threshold).
    expect(host.supervisor.status(id).stats?.violations).toBe(value.invalidSent);
    expect(value.invalidSent).toBe(20);
    expect(host.supervisor.status(id).state).toBe('running');
    expect(dropped(id).length).toBe(20);
    // Its real host calls were served as its own, and only its own.
    expect(value.replies).toEqual({
      otherFiles: { ok: false, code: 'EPERM', message: expect.any(String) },
      otherStorage: { ok: true, value: null },
      canary: { ok: false, code: 'EPERM', message: expect.any(String) },
      dataRoot: { ok: false, code: 'EPERM', message: expect.any(String) },
    });
    expect(JSON.stringify(value.replies)).not.toContain(host.dataDir);
    // The neighbour's own call and data are untouched by the claims made in its name.
    expect(await host.supervisor.invoke(NEIGHBOUR, 'release')).toEqual({ type: 'text', text: 'released' });
    expect(await held).toEqual({ type: 'text', text: 'the neighbour answered' });
    expect(await host.supervisor.invoke(NEIGHBOUR, 'owner')).toEqual({ type: 'json', value: 'neighbour' });
    expect(host.logs.entries.some((e) => e.ext === NEIGHBOUR && e.msg.includes('spoofed'))).toBe(false);
  });
});

describe('flood handling (regressions of reported gaps)', () => {
  // ExtensionProcess#violation calls kill() for every violation past the threshold until the
  // process has actually exited, and kill() logs each time: a burst of 50 000 bad frames became
  // ~12 000 "killing extension process" lines. Fix: return early in kill() (no log) once a kill
  // reason is set, or stop counting/killing after the first.
  it('the kill is logged once, however many violations arrive before the process is gone', async () => {
    const id = await addHostile('flood');
    const { settled } = await whileNeighbourAnswers(host.supervisor.invoke(id, 'run', {}));
    expectKilled(id, settled, /too many protocol violations/);
    expect(logsOf(id).filter((e) => e.msg.startsWith('killing extension process')).length).toBe(1);
  });

  // A result or progress for a call id the host never issued is dropped silently (treated like a
  // late result), so a compromised child can send them without limit and without a strike. Ids
  // above the last one issued cannot be late: count them as violations.
  it('results and progress for call ids the host never issued are counted as violations', async () => {
    const id = await addHostile('unsolicited-results');
    const { settled } = await whileNeighbourAnswers(host.supervisor.invoke(id, 'run', {}));
    expect(settled).toEqual({ ok: true, value: { type: 'text', text: 'genuine' } });
    expect(host.supervisor.status(id).stats?.violations).toBe(40);
  });

  // The sandbox rate-limits guest logging itself, but the host trusts every well-formed `log`
  // message: a compromised child wrote 50 000 lines into the host log. electron/common/protocol-limits.ts bounds messages
  // per second; the host needs its own per-extension rate limit for log (and other) messages.
  it('a flood of well-formed log messages from a compromised child is rate-limited by the host', async () => {
    const id = await addHostile('log-flood');
    const { settled } = await whileNeighbourAnswers(host.supervisor.invoke(id, 'run', {}));
    expect(settled).toEqual({ ok: true, value: { type: 'text', text: 'flooded' } });
    expect(logsOf(id).filter((e) => e.source === 'extension').length).toBeLessThanOrEqual(1000);
  });
});
