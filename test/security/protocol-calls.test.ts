// Protocol edges of host calls, through real sandbox processes next to a steady neighbour:
// a call too large to send fails at once with E2BIG (and frees its pending slot) instead of
// hanging forever.
import { afterEach, describe, expect, it } from 'vitest';
import type { TestHost } from '../helpers/sandbox';
import { describeCase, expectHostUnharmed, measureCase, openCase } from '../helpers/lag';

const BAD = 'bad.protocol';

let host: TestHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

describe('oversize host calls', () => {
  it('a host call over the 32 MiB message cap fails promptly with E2BIG, again and again', async () => {
    host = await openCase(
      {
        id: BAD,
        commands: ['ping', 'big'],
        source: `exports.activate = () => {
        host.commands.register('ping', () => 'pong');
        host.commands.register('big', async () => {
          const s = 'x'.repeat(12 * 1024 * 1024);
          const out = [];
          for (let i = 0; i < 2; i++) {
            const call = host.storage.set('k', [s, s, s]).then(() => 'resolved', (e) => e.code + ': ' + e.message);
            const timer = new Promise((r) => setTimeout(() => r('still pending after 10 s'), 10000));
            out.push(await Promise.race([call, timer]));
          }
          out.push(await host.storage.set('small', 1).then(() => 'small call ok', (e) => e.code));
          return { type: 'json', value: out };
        });
      };`,
      },
      // Copying 36 MiB in the sandbox takes a while on a loaded machine: not a hang.
      { timeouts: { hangMs: 5000, heartbeatMs: 100 } },
    );
    const h = host;
    const r = await measureCase(h, BAD, () => h.supervisor.invoke(BAD, 'big', {}, { timeoutMs: 60_000 }));
    console.log(describeCase('oversize call', r));
    expect(r.outcome.ok, JSON.stringify(r.outcome)).toBe(true);
    const value = (r.outcome as { value: { type: string; value: string[] } }).value.value;
    expect(value.slice(0, 2)).toEqual(Array(2).fill(expect.stringMatching(/^E2BIG: /)));
    expect(value[2]).toBe('small call ok');
    expectHostUnharmed(r);
  });
});
