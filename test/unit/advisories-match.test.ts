// OSV range semantics at the edges (docs: ossf.github.io/osv-schema), and the feed's signature.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  generateKeyPair,
  matchAdvisories,
  parseOsvRecords,
  signAdvisoryFeed,
  verifyAdvisoryFeed,
  type OsvRecord,
  type SbomComponent,
} from '../../electron/core/packages';

const c = (name: string, version: string, purl?: string): SbomComponent => ({
  name,
  version,
  licenses: [],
  ...(purl ? { purl } : {}),
});
const rec = (id: string, events: Array<Record<string, string>>, extra: Partial<OsvRecord> = {}): OsvRecord => ({
  id,
  affected: [{ package: { ecosystem: 'npm', name: 'pkg' }, ranges: [{ type: 'ECOSYSTEM', events: events as never }] }],
  ...extra,
});
const hits = (version: string, r: OsvRecord) => matchAdvisories([c('pkg', version)], [r]).map((f) => f.id);

describe('matchAdvisories', () => {
  it('"introduced: 0" means from the first version; "fixed" is exclusive', () => {
    const r = rec('A', [{ introduced: '0' }, { fixed: '2.0.0' }]);
    expect(hits('0.0.1', r)).toEqual(['A']);
    expect(hits('1.9.9', r)).toEqual(['A']);
    expect(hits('2.0.0', r)).toEqual([]);
    expect(hits('2.0.1', r)).toEqual([]);
  });

  it('a prerelease of the fix is still before it', () => {
    expect(hits('2.0.0-rc.1', rec('A', [{ introduced: '0' }, { fixed: '2.0.0' }]))).toEqual(['A']);
  });

  it('"last_affected" is inclusive, "limit" exclusive', () => {
    expect(hits('1.5.0', rec('L', [{ introduced: '1.0.0' }, { last_affected: '1.5.0' }]))).toEqual(['L']);
    expect(hits('1.5.1', rec('L', [{ introduced: '1.0.0' }, { last_affected: '1.5.0' }]))).toEqual([]);
    expect(hits('1.5.0', rec('M', [{ introduced: '1.0.0' }, { limit: '1.5.0' }]))).toEqual([]);
  });

  it('several introduced/fixed pairs, in any order', () => {
    const r = rec('P', [{ fixed: '1.2.0' }, { introduced: '2.0.0' }, { introduced: '1.0.0' }, { fixed: '2.1.0' }]);
    expect(hits('0.9.0', r)).toEqual([]);
    expect(hits('1.1.0', r)).toEqual(['P']);
    expect(hits('1.5.0', r)).toEqual([]);
    expect(hits('2.0.5', r)).toEqual(['P']);
    expect(hits('2.1.0', r)).toEqual([]);
    expect(matchAdvisories([c('pkg', '2.0.5')], [r])[0]!.fixed).toBe('2.1.0');
  });

  it('an explicit versions list, GIT ranges ignored, withdrawn records skipped', () => {
    const listed: OsvRecord = {
      id: 'MAL-1',
      affected: [{ package: { ecosystem: 'npm', name: 'pkg' }, versions: ['1.3.0'] }],
    };
    expect(matchAdvisories([c('pkg', '1.3.0')], [listed])).toEqual([
      expect.objectContaining({ id: 'MAL-1', severity: 'critical' }),
    ]);
    expect(hits('1.3.1', listed)).toEqual([]);
    const git: OsvRecord = {
      id: 'G',
      affected: [
        { package: { ecosystem: 'npm', name: 'pkg' }, ranges: [{ type: 'GIT', events: [{ introduced: '0' }] }] },
      ],
    };
    expect(hits('1.0.0', git)).toEqual([]);
    expect(hits('1.0.0', rec('W', [{ introduced: '0' }], { withdrawn: '2024-01-01T00:00:00Z' }))).toEqual([]);
  });

  it('names come from the purl (scoped, qualifiers ignored); other ecosystems never match', () => {
    const scoped: OsvRecord = {
      id: 'S',
      affected: [
        {
          package: { ecosystem: 'npm', name: '@scope/pkg' },
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.1' }] }],
        },
      ],
    };
    expect(
      matchAdvisories([c('pkg', '1.0.0', 'pkg:npm/%40scope/pkg@1.0.0?vcs_url=git%2Bhttps://x')], [scoped]),
    ).toHaveLength(1);
    const pypi: OsvRecord = {
      ...scoped,
      affected: [{ ...scoped.affected![0]!, package: { ecosystem: 'PyPI', name: '@scope/pkg' } }],
    };
    expect(matchAdvisories([c('@scope/pkg', '1.0.0')], [pypi])).toEqual([]);
  });

  it('the real lodash records: 4.17.15 has both, 4.17.20 only the command injection, 4.17.21 none', () => {
    const records = parseOsvRecords(
      fs.readFileSync(path.join(__dirname, '../fixtures/advisories/lodash-osv.json'), 'utf8'),
    );
    const ids = (v: string) =>
      matchAdvisories([c('lodash', v, `pkg:npm/lodash@${v}`)], records).map((f) => `${f.id}>${f.fixed}`);
    expect(ids('4.17.15')).toEqual(['GHSA-35jh-r3h4-6jhm>4.17.21', 'GHSA-p6mc-m468-83gw>4.17.19']);
    expect(ids('4.17.20')).toEqual(['GHSA-35jh-r3h4-6jhm>4.17.21']);
    expect(ids('4.17.21')).toEqual([]);
    expect(ids('3.6.0')).toEqual(['GHSA-35jh-r3h4-6jhm>4.17.21']); // pollution starts at 3.7.0
  });
});

describe('verifyAdvisoryFeed', () => {
  const key = generateKeyPair();
  const records = [rec('A', [{ introduced: '0' }, { fixed: '2.0.0' }])];
  const text = signAdvisoryFeed(records, key, { version: 1 });

  it('accepts the signed feed from a trusted key only', () => {
    expect(verifyAdvisoryFeed(Buffer.from(text), { trustedKeys: [key.publicKey] }).signed.records).toHaveLength(1);
    expect(() => verifyAdvisoryFeed(Buffer.from(text), { trustedKeys: [generateKeyPair().publicKey] })).toThrow(
      /not trusted/,
    );
  });

  it('refuses an edited record, duplicate keys, and an expired feed', () => {
    const edited = text.replace('"2.0.0"', '"9.0.0"');
    expect(() => verifyAdvisoryFeed(Buffer.from(edited), { trustedKeys: [key.publicKey] })).toThrow(
      /bad advisory feed signature/,
    );
    const dup = text.replace('"kind": "advisories",', '"kind": "advisories", "kind": "advisories",');
    expect(() => verifyAdvisoryFeed(Buffer.from(dup), { trustedKeys: [key.publicKey] })).toThrow(/not valid JSON/);
    expect(() =>
      verifyAdvisoryFeed(Buffer.from(text), { trustedKeys: [key.publicKey], now: () => Date.now() + 31 * 86_400_000 }),
    ).toThrow(/expired/);
  });
});
