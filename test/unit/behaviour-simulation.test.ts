/**
 * Both errors counted on a seeded simulation: ordinary extensions and the bundled examples used
 * over simulated weeks raise no alert, and each injected deviation after an update is detected
 * within one minute of its onset with the configured response.
 */
import { describe, expect, it } from 'vitest';
import { approvedTerms, createBehaviourEngine, type Finding } from '../../electron/core/behaviour';
import { includesResponse } from '../../electron/core/behaviour/settings';
import { DAY, EPOCH, HOUR, MIN, createRandom, exampleHabits, ordinaryHabit, simulate } from '../helpers/behaviour-sim';

const alerts = (fs: Finding[]) => fs.filter((f) => includesResponse(f.response, 'alert'));

function run(seed: number, days: number) {
  const r = createRandom(seed);
  const engine = createBehaviourEngine({ now: () => EPOCH });
  const habits = [...exampleHabits(r), ...Array.from({ length: 8 }, (_, i) => ordinaryHabit(r, i))];
  const versions = new Map<string, string>();
  for (const h of habits)
    versions.set(
      h.ext,
      simulate(r, h, 0, days, {
        event: (e) => engine.event(e),
        sample: (s) => engine.sample(s),
        update: (ext, v, t, approved) => engine.noteUpdate(ext, v, approvedTerms(approved), t),
      }),
    );
  return { r, engine, habits, versions };
}

describe('behaviour baselines on simulated use', () => {
  it('raises no alert for the bundled examples and ordinary extensions over eight weeks', () => {
    const { engine } = run(42, 56);
    const all = engine.findings();
    // Not vacuous: lows were recorded (first contacts with new endpoints), rate baselines exist.
    expect(all.filter((f) => f.severity === 'low').length).toBeGreaterThan(0);
    expect(engine.summary('acme.ordinary0')!.rates.some((x) => x.p99PerMinute !== undefined)).toBe(true);
    expect(alerts(all).map((f) => `${f.ext}: ${f.why}`)).toEqual([]);
    // Learning ended for the busy ones, so the zero above is judged, not skipped.
    expect(engine.summary('acme.ordinary0')!.learning.learned).toBe(true);
  }, 120_000);

  it('raises no alert on another seed either', () => {
    const { engine } = run(7, 42);
    expect(alerts(engine.findings()).map((f) => `${f.ext}: ${f.why}`)).toEqual([]);
  }, 120_000);

  // Each attack starts on day 29 at 10:00, a few minutes after an update to 6.6.6.
  const ATTACK_T = EPOCH + 29 * DAY + 10 * HOUR;
  function attacked(shape: (t: number, ext: string, e: ReturnType<typeof createBehaviourEngine>) => void) {
    const r = createRandom(99);
    const engine = createBehaviourEngine({ now: () => EPOCH });
    const h = ordinaryHabit(r, 3);
    h.callsPerMin = 3;
    const lastGood = simulate(r, h, 0, 29, {
      event: (e) => engine.event(e),
      sample: (s) => engine.sample(s),
      update: (ext, v, t, approved) => engine.noteUpdate(ext, v, approvedTerms(approved), t),
    });
    const before = engine.findings(h.ext).length;
    engine.noteUpdate(h.ext, '6.6.6', [], ATTACK_T - 5 * MIN);
    shape(ATTACK_T, h.ext, engine);
    const after = engine.findings(h.ext).slice(before);
    return { after, engine, ext: h.ext, lastGood };
  }
  const detected = (fs: Finding[]) =>
    fs.filter((f) => f.t >= ATTACK_T && f.severity !== 'low' && includesResponse(f.response, 'reask'));

  it('detects an update that sends data to a new host, contains it and names the version to roll back to', () => {
    const { after, lastGood } = attacked((t, ext, e) => {
      for (let i = 0; i < 20; i++)
        e.event({
          t: t + i * 1000,
          ext,
          version: '6.6.6',
          cap: 'net',
          target: 'https://collect.evil-drop.net/u',
          bytesOut: 50_000,
        });
    });
    // First contact right after the update asks again at once; the data sent there then contains it.
    expect(detected(after)[0]).toMatchObject({ rule: 'new-destination', severity: 'medium', response: 'reask' });
    const hit = detected(after).find((f) => f.severity === 'high')!;
    expect(hit.t - ATTACK_T).toBeLessThan(MIN);
    expect(hit).toMatchObject({ rule: 'new-destination', severity: 'high', response: 'contain', rollbackTo: lastGood });
    expect(hit.why).toMatch(/evil-drop\.net.*first contacted, 0 h after the update to 6\.6\.6/);
  });

  it('detects 100× reads within a minute', () => {
    const { after } = attacked((t, ext, e) => {
      for (let i = 0; i < 3000; i++)
        e.event({
          t: t + i * 15,
          ext,
          version: '6.6.6',
          cap: 'fs.read',
          target: `~/Documents/project3/a.md`,
          root: '~/Documents',
          bytesIn: 4000,
        });
    });
    const hit = detected(after).find((f) => f.rule === 'rate')!;
    expect(hit.t - ATTACK_T).toBeLessThan(MIN);
    expect(hit.feature).toBe('fs.read|calls');
    expect(hit.ratio).toBeGreaterThanOrEqual(10);
  });

  it('detects a volume spike to a host it already uses', () => {
    const { after } = attacked((t, ext, e) => {
      for (let i = 0; i < 400; i++)
        e.event({
          t: t + i * 100,
          ext,
          version: '6.6.6',
          cap: 'net',
          target: 'https://api.site3.example.com/v1/items',
          bytesOut: 200_000,
        });
    });
    const hit = detected(after).find((f) => f.feature === 'net|bytesOut')!;
    expect(hit.t - ATTACK_T).toBeLessThan(MIN);
    expect(hit.severity).toBe('high');
  });

  it('detects reads in a new folder tree right after an update, and asks again', () => {
    const { after } = attacked((t, ext, e) => {
      for (let i = 0; i < 5; i++)
        e.event({ t: t + i * 1000, ext, version: '6.6.6', cap: 'fs.read', target: `~/.ssh/id_ed${i}`, root: '~' });
    });
    const hit = detected(after).find((f) => f.rule === 'new-path')!;
    expect(hit.t - ATTACK_T).toBeLessThan(MIN);
    expect(hit).toMatchObject({ severity: 'medium', response: 'reask', capability: 'fs.read' });
  });
});
