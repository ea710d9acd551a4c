// The test host's virtual clock in the sandbox: timers fire in due order as the host advances it,
// intervals re-arm, cleared timers never run, and Date/performance read the virtual time.
import { describe, expect, it } from 'vitest';
import { createVirtualClock, createVirtualDate } from '../../electron/sandbox/virtual-clock';
import { createGuestTimers } from '../../electron/sandbox/timers';

describe('virtual clock', () => {
  it('fires due timers in order, each at its own time, and only when advanced', () => {
    const clock = createVirtualClock(1_000);
    const timers = createGuestTimers({ max: 100, onError: () => {}, clock });
    const seen: string[] = [];
    timers.setTimeout(() => seen.push(`b@${clock.now()}`), 200);
    timers.setTimeout(() => seen.push(`a@${clock.now()}`), 100);
    const tick = timers.setInterval(() => seen.push(`i@${clock.now()}`), 150);
    const never = timers.setTimeout(() => seen.push('never'), 50);
    timers.clearTimeout(never);
    expect(seen).toEqual([]);
    clock.advance(99);
    expect(seen).toEqual([]);
    clock.advance(251); // to 1350
    expect(seen).toEqual(['a@1100', 'i@1150', 'b@1200', 'i@1300']);
    expect(clock.now()).toBe(1_350);
    timers.clearInterval(tick);
    clock.advance(1_000);
    expect(seen).toHaveLength(4);
    expect(timers.active()).toBe(0);
  });

  it('gives a Date whose now is virtual, while dates from values are ordinary', () => {
    const clock = createVirtualClock(Date.UTC(2030, 0, 1));
    const VirtualDate = createVirtualDate(clock.now);
    expect(new VirtualDate().toISOString()).toBe('2030-01-01T00:00:00.000Z');
    clock.advance(3_600_000);
    expect(VirtualDate.now()).toBe(Date.UTC(2030, 0, 1, 1));
    expect(new VirtualDate(0).toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(new VirtualDate() instanceof Date).toBe(true);
    expect(VirtualDate.UTC(2000, 0)).toBe(Date.UTC(2000, 0));
  });
});
