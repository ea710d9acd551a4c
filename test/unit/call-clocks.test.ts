// The command clocks a permission prompt holds (issue 12, item 5): the unit under the
// integration tests in test/integration/prompt-lifetime.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCallClocks } from '../../electron/core/supervision/call-clocks';
import { WardenError } from '../../electron/common/errors';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
});
afterEach(() => vi.useRealTimers());

const reason = (s: AbortSignal) => (s.reason as WardenError).code;

describe('call clocks', () => {
  it('time held by a prompt does not count against the call', () => {
    const clocks = createCallClocks();
    const call = clocks.start('read', 1000);
    vi.advanceTimersByTime(600);
    const hold = clocks.hold();
    vi.advanceTimersByTime(10_000);
    expect(call.signal.aborted).toBe(false);
    hold.release();
    vi.advanceTimersByTime(399);
    expect(call.signal.aborted).toBe(false);
    vi.advanceTimersByTime(2);
    expect(reason(call.signal)).toBe('ETIMEDOUT');
  });

  it('withdraws a hold once every call it was for has ended, not before', () => {
    const clocks = createCallClocks();
    const a = clocks.start('a', 1000);
    const b = clocks.start('b', 1000);
    const hold = clocks.hold();
    const later = clocks.start('c', 1000); // started after the prompt opened: not what it is for
    a.end();
    expect(hold.ended.aborted).toBe(false);
    b.end();
    expect(hold.ended.aborted).toBe(true);
    later.end();
  });

  it('a cancelled call ends at once and withdraws its prompt', () => {
    const clocks = createCallClocks();
    const external = new AbortController();
    const call = clocks.start('a', 1000, external.signal);
    const hold = clocks.hold();
    external.abort();
    expect(reason(call.signal)).toBe('ECANCELED');
    expect(hold.ended.aborted).toBe(true);
  });

  it('a hold outside any call ends with the process (endAll)', () => {
    const clocks = createCallClocks();
    const hold = clocks.hold();
    expect(hold.ended.aborted).toBe(false);
    clocks.endAll();
    expect(hold.ended.aborted).toBe(true);
  });

  it('two prompts on one call: the clock runs again only when both are closed', () => {
    const clocks = createCallClocks();
    const call = clocks.start('a', 100);
    const h1 = clocks.hold();
    const h2 = clocks.hold();
    h1.release();
    vi.advanceTimersByTime(1000);
    expect(call.signal.aborted).toBe(false);
    h2.release();
    h2.release(); // idempotent
    vi.advanceTimersByTime(101);
    expect(reason(call.signal)).toBe('ETIMEDOUT');
  });
});
