/** The behaviour engine's rules one by one, with an injected clock and hand-made traffic. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  approvedTerms,
  buildIncident,
  createBehaviourEngine,
  createBehaviourStore,
  incidentMarkdown,
  parseBehaviourSettings,
  type BehaviourEngine,
} from '../../electron/core/behaviour';
import { serialiseProfile, deserialiseProfile } from '../../electron/core/behaviour/profile';
import { pathPrefix, destinationOf } from '../../electron/core/behaviour/terms';
import { DAY, EPOCH, HOUR, MIN } from '../helpers/behaviour-sim';

const EXT = 'acme.reader';
const quick = parseBehaviourSettings({ learning: { minCommands: 3, minDays: 1 }, rate: { minActiveMinutes: 5 } });

/** A learnt profile: 3 days of one command, 5 calls a minute for 10 minutes, to one host and one folder. */
function learnt(engine: BehaviourEngine, version = '1.0.0'): number {
  let t = EPOCH;
  for (let d = 0; d < 3; d++) {
    t = EPOCH + d * DAY + 9 * HOUR;
    engine.event({ t, ext: EXT, version, cap: 'command', target: 'reader.sync' });
    for (let m = 0; m < 10; m++)
      for (let i = 0; i < 5; i++) {
        const at = t + m * MIN + i * 1000;
        engine.event({
          t: at,
          ext: EXT,
          version,
          cap: 'net',
          target: 'https://api.example.com/items',
          bytesIn: 1000,
          bytesOut: 100,
        });
        engine.event({
          t: at,
          ext: EXT,
          version,
          cap: 'fs.read',
          target: '~/Documents/projects/a.md',
          root: '~/Documents',
          bytesIn: 500,
        });
      }
  }
  return EPOCH + 3 * DAY + 9 * HOUR;
}

describe('behaviour engine', () => {
  it('judges nothing while learning: until N commands over D days', () => {
    const e = createBehaviourEngine({ settings: quick });
    e.event({ t: EPOCH, ext: EXT, version: '1.0.0', cap: 'command', target: 'x' });
    const f = e.event({ t: EPOCH + 1000, ext: EXT, version: '1.0.0', cap: 'net', target: 'https://new.example.org/' });
    expect(f).toEqual([]);
    expect(e.summary(EXT)!.learning).toMatchObject({ learned: false, commands: 1, minCommands: 3, minDays: 1 });
  });

  it('a new site after learning is recorded (low, no alert); right after an update it asks again', () => {
    const e = createBehaviourEngine({ settings: quick });
    const t = learnt(e);
    const [low] = e.event({ t, ext: EXT, version: '1.0.0', cap: 'net', target: 'https://other.example.org/x' });
    expect(low).toMatchObject({ rule: 'new-destination', severity: 'low', response: 'record', afterUpdate: false });
    expect(low!.why).toBe('first contact with example.org in 30 days');
    e.noteUpdate(EXT, '1.1.0', [], t + HOUR);
    const [med] = e.event({
      t: t + 2 * HOUR,
      ext: EXT,
      version: '1.1.0',
      cap: 'net',
      target: 'https://third.example.net/x',
    });
    expect(med).toMatchObject({ severity: 'medium', response: 'reask', afterUpdate: true, hoursSinceUpdate: 1 });
    expect(med!.why).toBe('first contact with example.net in 30 days, 1 h after the update to 1.1.0');
  });

  it('a site the user approved by name with the update is expected', () => {
    const e = createBehaviourEngine({ settings: quick });
    const t = learnt(e);
    e.noteUpdate(EXT, '1.1.0', approvedTerms([{ capability: 'net', pattern: 'https://api.partner.io/**' }]), t);
    const f = e.event({
      t: t + MIN,
      ext: EXT,
      version: '1.1.0',
      cap: 'net',
      target: 'https://api.partner.io/v1',
      bytesOut: 1e6,
    });
    expect(f.every((x) => x.severity === 'low')).toBe(true);
    // A wildcard host approves nothing.
    expect(approvedTerms([{ capability: 'net', pattern: 'https://*/**' }])).toEqual(['cap:net']);
  });

  it('data sent to a site first contacted after an update is high, contained, with the version to roll back to', () => {
    const e = createBehaviourEngine({ settings: quick });
    const t = learnt(e);
    e.noteUpdate(EXT, '2.0.0', [], t);
    const out = [];
    for (let i = 0; i < 3; i++)
      out.push(
        ...e.event({
          t: t + i * 1000,
          ext: EXT,
          version: '2.0.0',
          cap: 'net',
          target: 'https://drop.evil.test/u',
          bytesOut: 2000,
        }),
      );
    const high = out.find((f) => f.severity === 'high')!;
    expect(high).toMatchObject({ rule: 'new-destination', response: 'contain', rollbackTo: '1.0.0', observed: 6000 });
    expect(high.why).toBe('sent 5.9 KiB to evil.test, a destination first contacted, 0 h after the update to 2.0.0');
  });

  it('a rate over 10× its p99 and over the floor is medium; 100× is high; each reported once per hour', () => {
    const e = createBehaviourEngine({ settings: quick });
    const t = learnt(e);
    const found = [];
    for (let i = 0; i < 600; i++)
      found.push(
        ...e.event({
          t: t + i * 50,
          ext: EXT,
          version: '1.0.0',
          cap: 'fs.read',
          target: '~/Documents/projects/a.md',
          root: '~/Documents',
        }),
      );
    const rates = found.filter((f) => f.rule === 'rate' && f.feature === 'fs.read|calls');
    expect(rates.map((f) => f.severity)).toEqual(['medium', 'high']);
    expect(rates[0]!.why).toMatch(
      /^fs\.read calls: 120 calls in one minute, \d+\.\d× its usual 6 calls\/min \(p99 over 14 days\)$/,
    );
    // the next minute, still spiking: already reported within the hour
    const again = e.event({
      t: t + MIN + 1000,
      ext: EXT,
      version: '1.0.0',
      cap: 'fs.read',
      target: '~/Documents/projects/a.md',
    });
    expect(again.filter((f) => f.rule === 'rate')).toEqual([]);
  });

  it('never flags a quiet extension below the absolute floor', () => {
    const e = createBehaviourEngine({ settings: quick });
    const t = learnt(e);
    const found = [];
    for (let i = 0; i < 100; i++)
      found.push(
        ...e.event({ t: t + i * 500, ext: EXT, version: '1.0.0', cap: 'fs.read', target: '~/Documents/projects/a.md' }),
      );
    expect(found.filter((f) => f.rule === 'rate')).toEqual([]);
  });

  it('a new folder tree is new; new files in a known folder are not', () => {
    const e = createBehaviourEngine({ settings: quick });
    const t = learnt(e);
    expect(
      e.event({
        t,
        ext: EXT,
        version: '1.0.0',
        cap: 'fs.read',
        target: '~/Documents/projects/b.md',
        root: '~/Documents',
      }),
    ).toEqual([]);
    const [f] = e.event({
      t,
      ext: EXT,
      version: '1.0.0',
      cap: 'fs.read',
      target: '~/Documents/taxes/2025.pdf',
      root: '~/Documents',
    });
    expect(f).toMatchObject({ rule: 'new-path', feature: 'path:fs.read:~/Documents/taxes', severity: 'low' });
    expect(pathPrefix('~/Documents/a/b/c/d.txt', '~/Documents', 2)).toBe('~/Documents/a/b');
    expect(pathPrefix('/etc/passwd', undefined, 2)).toBe('/etc');
  });

  it('sustained CPU well over the usual is medium; a short peak is not', () => {
    const settings = parseBehaviourSettings({ learning: { minCommands: 0, minDays: 0 }, resources: { minWindows: 5 } });
    const e = createBehaviourEngine({ settings });
    e.event({ t: EPOCH, ext: EXT, version: '1.0.0', cap: 'command', target: 'x' });
    let t = EPOCH;
    const sample = (cpu: number) => e.sample({ t: (t += MIN), ext: EXT, cpuPercent: cpu, rssBytes: 50e6 });
    for (let i = 0; i < 100; i++) sample(5);
    const peak = [];
    for (let i = 0; i < 12; i++) peak.push(...sample(95));
    for (let i = 0; i < 20; i++) peak.push(...sample(5));
    expect(peak).toEqual([]);
    const sustained = [];
    for (let i = 0; i < 40; i++) sustained.push(...sample(95));
    expect(sustained).toHaveLength(1);
    expect(sustained[0]).toMatchObject({ rule: 'cpu', severity: 'medium' });
    expect(sustained[0]!.why).toMatch(/^CPU 9\d % \(p95\) for 30 minutes, usually [5-6] %$/);
  });

  it('"this is expected" folds the deviation into the baseline and clears the version for rollback', () => {
    const e = createBehaviourEngine({ settings: quick });
    const t = learnt(e);
    e.noteUpdate(EXT, '1.1.0', [], t);
    const [f] = e.event({ t, ext: EXT, version: '1.1.0', cap: 'net', target: 'https://new.example.org/' });
    expect(e.profile(EXT)!.versions.find((v) => v.version === '1.1.0')!.clean).toBe(false);
    expect(e.accept(f!.id)).toMatchObject({ state: 'accepted' });
    expect(e.profile(EXT)!.versions.find((v) => v.version === '1.1.0')!.clean).toBe(true);
    const later = e.event({
      t: t + 40 * DAY,
      ext: EXT,
      version: '1.1.0',
      cap: 'net',
      target: 'https://new.example.org/',
    });
    expect(later.filter((x) => x.feature === 'domain:example.org')).toEqual([]);
  });

  it('a profile survives a round trip through its strict file form, and stays under 64 KiB when busy', () => {
    const e = createBehaviourEngine({ settings: quick });
    let t = learnt(e);
    for (let i = 0; i < 5000; i++) {
      t += 7000;
      e.event({
        t,
        ext: EXT,
        version: '1.0.0',
        cap: i % 2 ? 'net' : 'fs.read',
        target: i % 2 ? `https://h${i}.site${i % 97}.com/` : `~/Documents/f${i % 300}/x/${i}.md`,
        root: '~/Documents',
        bytesIn: i,
        bytesOut: i % 7,
      });
      if (i % 10 === 0) e.sample({ t, ext: EXT, cpuPercent: i % 30, rssBytes: 40e6 + i });
    }
    const p = e.profile(EXT)!;
    const json = JSON.stringify(serialiseProfile(p));
    expect(json.length).toBeLessThan(64 * 1024);
    expect(serialiseProfile(deserialiseProfile(JSON.parse(json)))).toEqual(serialiseProfile(p));
    expect(() => deserialiseProfile({ ...JSON.parse(json), extra: 1 })).toThrow();
  });

  it('stores profiles and findings on disk; sets a corrupt profile aside and says so', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-behaviour-'));
    try {
      const store = createBehaviourStore(dir);
      const e = createBehaviourEngine({ settings: quick, onFinding: (f) => store.appendFinding(f) });
      const t = learnt(e);
      const [f] = e.event({ t, ext: EXT, version: '1.0.0', cap: 'net', target: 'https://x.example.org/' });
      for (const p of e.takeDirty()) store.save(p);
      store.markAccepted(EXT, f!.id);
      expect(store.readFindings(EXT).find((x) => x.id === f!.id)).toMatchObject({ state: 'accepted', why: f!.why });
      expect(store.readFindings(EXT).filter((x) => x.state === 'open').length).toBeGreaterThan(0);
      const again = createBehaviourEngine({ settings: quick, load: (x) => store.load(x) });
      expect(again.summary(EXT)!.learning.learned).toBe(true);
      expect(fs.statSync(path.join(dir, 'behaviour', `${EXT}.json`)).mode & 0o777).toBe(0o600);
      fs.writeFileSync(path.join(dir, 'behaviour', `${EXT}.json`), '{"v":1,"ext":"acme.reader"');
      expect(store.load(EXT)).toBeUndefined();
      expect(store.setAside).toEqual([EXT]);
      expect(() => store.load('../x')).toThrow(/invalid extension id/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an incident is the timeline around a finding, as data and Markdown', () => {
    const e = createBehaviourEngine({ settings: quick });
    const t = learnt(e);
    e.noteUpdate(EXT, '2.0.0', [], t);
    const [f] = e.event({ t, ext: EXT, version: '2.0.0', cap: 'net', target: 'https://drop.evil.test/u' });
    const records = [
      { time: t - 2 * MIN, ext: EXT, kind: 'command', target: 'reader.sync', version: '2.0.0' },
      { time: t - MIN, ext: EXT, kind: 'operation', capability: 'fs.read', target: '~/.ssh/id_ed25519', bytes: 400 },
      { time: t, ext: EXT, kind: 'operation', capability: 'net', target: 'https://drop.evil.test/u', bytes: 400 },
      { time: t, ext: 'other.ext', kind: 'operation', capability: 'net', target: 'https://x.test/' },
      { time: t - DAY, ext: EXT, kind: 'operation', capability: 'net', target: 'https://old.test/' },
    ];
    const i = buildIncident(f!, records);
    expect(i.timeline).toHaveLength(3);
    expect(i.summary).toMatchObject({
      commands: ['reader.sync'],
      versions: ['2.0.0'],
      destinations: [{ host: 'drop.evil.test', calls: 1, bytes: 400 }],
      paths: [{ path: '~/.ssh/id_ed25519', calls: 1, bytes: 400 }],
      totalBytes: 800,
    });
    const md = incidentMarkdown(i);
    expect(md).toContain('# Incident: acme.reader 2.0.0');
    expect(md).toContain('| drop.evil.test | 1 | 400 B |');
  });

  it('registrable domains come from the Public Suffix List', () => {
    expect(destinationOf('https://a.b.example.co.uk/x')).toEqual({
      host: 'a.b.example.co.uk',
      domain: 'example.co.uk',
    });
    expect(destinationOf('https://alice.github.io/')!.domain).toBe('alice.github.io');
    expect(destinationOf('http://[::1]:8080/')).toEqual({ host: '::1', domain: '::1' });
    expect(destinationOf('http://127.0.0.1/')!.domain).toBe('127.0.0.1');
  });
});
