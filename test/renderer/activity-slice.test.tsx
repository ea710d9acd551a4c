import { beforeEach, describe, expect, it } from 'vitest';
import { ACTIVITY_QUERY_LIMIT, MAX_RECORDS, matchesFilter } from '../../renderer/src/stores/activity-slice';
import type { AuditRecordData } from '../../electron/common/bridge/schemas';
import { deferred, FakeBridge } from './fake-bridge';
import { record } from './fixtures';
import { startStore, store } from './helpers';

let bridge: FakeBridge;
beforeEach(async () => {
  // The host answers newest first; the view shows oldest first.
  bridge = new FakeBridge().handle('activity.query', () => [record({ time: 2 }), record({ time: 1 })]);
  await startStore(bridge);
});

describe('activity slice', () => {
  it('queries on start and sorts oldest first', () => {
    expect(bridge.callsOf('activity.query')).toEqual([{ limit: ACTIVITY_QUERY_LIMIT }]);
    expect(store().records.map((r) => r.time)).toEqual([1, 2]);
  });

  it('appends live records that match the filter', async () => {
    bridge.emit('activity.record', record({ time: 3 }));
    expect(store().records.map((r) => r.time)).toEqual([1, 2, 3]);
    await store().setActivityFilter({ decision: 'deny' });
    bridge.emit('activity.record', record({ time: 4, decision: 'allow' }));
    bridge.emit('activity.record', record({ time: 5, decision: 'deny' }));
    expect(store().records.map((r) => r.time)).toEqual([1, 2, 5]);
  });

  it('re-queries with the filter, dropping cleared fields', async () => {
    await store().setActivityFilter({ extensionId: 'acme.word-count', capability: 'net', decision: 'deny' });
    await store().setActivityFilter({ capability: undefined });
    expect(bridge.callsOf('activity.query').slice(1)).toEqual([
      { extensionId: 'acme.word-count', capability: 'net', decision: 'deny', limit: ACTIVITY_QUERY_LIMIT },
      { extensionId: 'acme.word-count', decision: 'deny', limit: ACTIVITY_QUERY_LIMIT },
    ]);
    expect(store().activityFilter).toEqual({ extensionId: 'acme.word-count', decision: 'deny' });
  });

  it('keeps records that arrive while a query is in flight, if newer than its answer', async () => {
    const gate = deferred<AuditRecordData[]>();
    bridge.handle('activity.query', () => gate.promise);
    const loading = store().loadActivity();
    bridge.emit('activity.record', record({ time: 10 }));
    bridge.emit('activity.record', record({ time: 30 }));
    gate.resolve([record({ time: 20 }), record({ time: 10 })]);
    await loading;
    expect(store().records.map((r) => r.time)).toEqual([10, 20, 30]);
  });

  it('caps what it keeps', () => {
    for (let i = 0; i < MAX_RECORDS + 5; i++) store().receiveRecord(record({ time: 100 + i }));
    expect(store().records).toHaveLength(MAX_RECORDS);
    expect(store().records.at(-1)?.time).toBe(100 + MAX_RECORDS + 4);
  });

  it('filters like the host', () => {
    const r = record({ ext: 'a', capability: 'net', decision: 'deny' });
    expect(matchesFilter(r, {})).toBe(true);
    expect(matchesFilter(r, { extensionId: 'b' })).toBe(false);
    expect(matchesFilter(r, { capability: 'fs.read' })).toBe(false);
    expect(matchesFilter(r, { decision: 'deny', capability: 'net', extensionId: 'a' })).toBe(true);
  });
});
