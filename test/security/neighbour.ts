/**
 * A well-behaved extension that runs next to a misbehaving one, and a loop that keeps asking it
 * for answers while the misbehaviour goes on: isolation means every one of them is right.
 */
import { expect } from 'vitest';
import type { TestHost } from '../helpers/sandbox';
import { WardenError } from '../../electron/common/errors';

export const NEIGHBOUR_COMMANDS = ['echo', 'hold', 'release', 'setup', 'owner'];

/**
 * `echo` round-trips through host storage; `hold` stays pending until `release`, so a test can
 * keep a call in flight across the other extension's misbehaviour.
 */
export const NEIGHBOUR_SOURCE = `
let release;
exports.activate = () => {
  host.commands.register('echo', async ({ n }) => {
    await host.storage.set('n', n);
    return { type: 'json', value: { n, stored: await host.storage.get('n') } };
  });
  host.commands.register('hold', () => new Promise((resolve) => { release = resolve; }));
  host.commands.register('release', () => {
    if (!release) throw new Error('nothing is held');
    release({ type: 'text', text: 'the neighbour answered' });
    return 'released';
  });
  host.commands.register('setup', async () => {
    await host.storage.set('owner', 'neighbour');
    await host.fs.writeText('secret.txt', 'neighbour data');
    return 'ok';
  });
  host.commands.register('owner', async () => ({ type: 'json', value: await host.storage.get('owner') }));
};`;

export type Settled = { ok: true; value: unknown } | { ok: false; error: WardenError };

/**
 * Awaits `work` while invoking the neighbour's `echo` over and over; every answer must be right.
 * Returns how `work` settled and how many neighbour answers arrived meanwhile (at least one).
 */
export async function whileNeighbourAnswers(
  host: TestHost,
  neighbour: string,
  work: Promise<unknown>,
): Promise<{ settled: Settled; answers: number }> {
  let done = false;
  const settled = work
    .then((value): Settled => ({ ok: true, value }))
    .catch((error: unknown): Settled => {
      expect(error).toBeInstanceOf(WardenError);
      return { ok: false, error: error as WardenError };
    })
    .finally(() => {
      done = true;
    });
  let answers = 0;
  do {
    const n = answers + 1;
    expect(await host.supervisor.invoke(neighbour, 'echo', { n })).toEqual({ type: 'json', value: { n, stored: n } });
    answers = n;
  } while (!done);
  return { settled: await settled, answers };
}
