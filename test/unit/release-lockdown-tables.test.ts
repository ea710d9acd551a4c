// scripts/release-lockdown-tables.mjs: the start-up snapshot's bundle lets go of SES's
// lockdown-only tables right after lockdown, and the build fails (rather than silently keeping or
// breaking them) when the bundle is not the shape it was written for.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a build script (plain .mjs, no types)
import { LOCKDOWN_TABLES, releaseLockdownTables } from '../../scripts/release-lockdown-tables.mjs';

const ROOT = path.resolve(__dirname, '..', '..');
const tables = LOCKDOWN_TABLES as string[];
const decls = tables.map((n) => `var ${n}={a:1};`).join('');

function patched(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'warden-release-')), 'snapshot.cjs');
  fs.writeFileSync(file, text);
  try {
    (releaseLockdownTables as (f: string) => void)(file);
    return fs.readFileSync(file, 'utf8');
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

describe('releasing SES lockdown-only tables from the snapshot bundle', () => {
  it('replaces the one marker call, right after lockdown, with the release of each table', () => {
    const out = patched(
      `"use strict";${decls}lockdownRealm();releaseLockdownTables();go();function releaseLockdownTables(){}`,
    );
    expect(out).toContain(`lockdownRealm();${tables.map((n) => `${n}=void 0;`).join('')}go();`);
    expect(out).not.toContain(';releaseLockdownTables();');
  });

  it.each([
    ['a table declared twice', `${decls}var permitted={};lockdownRealm();releaseLockdownTables();`, /declared 2 times/],
    [
      'a table renamed by the bundler',
      `${decls}var permitted2={};lockdownRealm();releaseLockdownTables();`,
      /renamed twin/,
    ],
    ['a table missing', `var permitted={};lockdownRealm();releaseLockdownTables();`, /declared 0 times/],
    ['no marker call', `${decls}lockdownRealm();`, /calls releaseLockdownTables\(\); 0 times/],
  ])('fails the build on %s', (_what, text, problem) => {
    expect(() => patched(text)).toThrow(problem);
  });

  it('was applied to the built snapshot entry (dist/sandbox/snapshot.cjs)', () => {
    const built = fs.readFileSync(path.join(ROOT, 'dist', 'sandbox', 'snapshot.cjs'), 'utf8');
    expect(built).toContain(`lockdownRealm();${tables.map((n) => `${n}=void 0;`).join('')}`);
    expect(built).not.toMatch(/[;\n]releaseLockdownTables\(\);/);
  });
});
