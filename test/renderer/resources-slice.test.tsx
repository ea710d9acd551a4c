import { beforeEach, describe, expect, it } from 'vitest';
import { alignSeries } from '../../renderer/src/lib/series';
import { HISTORY_MS } from '../../renderer/src/stores/resources-slice';
import { deferred, FakeBridge } from './fake-bridge';
import { sample } from './fixtures';
import { startStore, store } from './helpers';

const T = 1_700_000_000_000;
let bridge: FakeBridge;
beforeEach(async () => {
  bridge = new FakeBridge().handle('resources.snapshot', () => [
    { extensionId: 'a', history: [sample(T), sample(T + 1000)] },
  ]);
  await startStore(bridge);
});

describe('resources slice', () => {
  it('asks for the chart window and keeps the snapshot', () => {
    expect(bridge.callsOf('resources.snapshot')).toEqual([{ sinceMs: HISTORY_MS }]);
    expect(store().history.a?.map((s) => s.time)).toEqual([T, T + 1000]);
  });

  it('appends samples and drops those older than the window', () => {
    bridge.emit('resources.sample', { extensionId: 'a', sample: sample(T + 2000, { cpuPercent: 80 }) });
    expect(store().history.a?.at(-1)?.cpuPercent).toBe(80);
    bridge.emit('resources.sample', { extensionId: 'a', sample: sample(T + HISTORY_MS + 1500) });
    expect(store().history.a?.map((s) => s.time)).toEqual([T + 2000, T + HISTORY_MS + 1500]);
    bridge.emit('resources.sample', { extensionId: 'b', sample: sample(T) });
    expect(Object.keys(store().history).sort()).toEqual(['a', 'b']);
  });

  it('keeps samples that arrive while a snapshot is in flight', async () => {
    const gate = deferred<{ extensionId: string; history: ReturnType<typeof sample>[] }[]>();
    bridge.handle('resources.snapshot', () => gate.promise);
    const loading = store().loadSnapshot();
    bridge.emit('resources.sample', { extensionId: 'a', sample: sample(T + 5000) });
    gate.resolve([{ extensionId: 'a', history: [sample(T + 3000), sample(T + 4000)] }]);
    await loading;
    expect(store().history.a?.map((s) => s.time)).toEqual([T + 3000, T + 4000, T + 5000]);
  });

  it('aligns series on whole seconds with gaps as null', () => {
    const aligned = alignSeries(
      {
        a: [sample(T, { cpuPercent: 1 }), sample(T + 1000, { cpuPercent: 2 })],
        b: [sample(T + 1010, { cpuPercent: 3 })],
      },
      (s) => s.cpuPercent,
      ['a', 'b'],
    );
    expect(aligned.x).toEqual([T / 1000, T / 1000 + 1]);
    expect(aligned.ys).toEqual([
      [1, 2],
      [null, 3],
    ]);
  });
});
