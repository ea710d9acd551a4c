import { describe, expect, it } from 'vitest';
import { parseManifest, type ManifestInput } from '../../electron/common/manifest';
import { MAX_LIMITS } from '../../electron/common/limits';

/** A complete manifest using every top-level section (docs/manifest.md has one like it; docs.test parses that one). */
const DOCS_EXAMPLE = {
  id: 'acme.word-count',
  name: 'Word Count',
  version: '1.2.0',
  publisher: 'acme',
  description: 'Counts words in text files.',
  main: 'dist/extension.js',
  engines: { warden: '^1.0.0' },
  activation: 'onCommand',
  contributes: {
    commands: [
      {
        id: 'word-count.count',
        title: 'Count words in a folder',
        params: { folder: { type: 'path', kind: 'directory', title: 'Folder' } },
      },
    ],
  },
  permissions: {
    'fs.read': ['~/Documents/**'],
    'fs.write': ['~/Documents/word-count/**'],
    net: ['https://api.github.com/**'],
    secrets: ['GITHUB_TOKEN'],
    notifications: true,
  },
  limits: { memoryMb: 128, cpuPercent: 50, callTimeoutMs: 30000, storageMb: 5 },
};

const MINIMAL = {
  id: 'acme.word-count',
  name: 'Word Count',
  version: '1.2.0',
  publisher: 'acme',
  engines: { warden: '^1.0.0' },
};

/** The error lines for an invalid manifest (fails the test if it unexpectedly parses). */
function errorsOf(value: unknown): string[] {
  const r = parseManifest(value);
  if (r.ok) throw new Error(`expected the manifest to be rejected: ${JSON.stringify(value)}`);
  return r.errors;
}

const withOverrides = (o: Record<string, unknown>): Record<string, unknown> => ({ ...MINIMAL, ...o });

describe('parseManifest', () => {
  it('accepts a complete manifest unchanged', () => {
    const r = parseManifest(DOCS_EXAMPLE);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.manifest).toEqual(DOCS_EXAMPLE);
  });

  it('fills defaults for what a minimal manifest leaves out', () => {
    const r = parseManifest(MINIMAL);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.manifest).toEqual({
      ...MINIMAL,
      main: 'dist/extension.js',
      activation: 'onCommand',
      contributes: { commands: [] },
      permissions: {},
      limits: {},
    });
  });

  it('rejects an unknown top-level key and names it', () => {
    expect(errorsOf(withOverrides({ permisions: {} }))).toEqual([
      '(root): unknown key "permisions" (not part of the schema)',
    ]);
  });

  it.each([
    ['permissions', { permissions: { 'fs.exec': ['/bin'] } }, 'permissions: unknown key "fs.exec"'],
    ['engines', { engines: { warden: '^1.0.0', node: '20' } }, 'engines: unknown key "node"'],
    ['limits', { limits: { memoryMB: 64 } }, 'limits: unknown key "memoryMB"'],
    [
      'a command',
      { contributes: { commands: [{ id: 'a', title: 'A', tilte: 'x' }] } },
      'contributes.commands[0]: unknown key "tilte"',
    ],
    [
      'a parameter',
      { contributes: { commands: [{ id: 'a', title: 'A', params: { x: { type: 'string', kind: 'file' } } }] } },
      'contributes.commands[0].params.x: unknown key "kind"',
    ],
    ['contributes', { contributes: { commands: [], menus: [] } }, 'contributes: unknown key "menus"'],
  ])('rejects an unknown key nested in %s, with the path', (_where, override, expected) => {
    const errors = errorsOf(withOverrides(override));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(expected);
    expect(errors[0]).toContain('not part of the schema');
  });

  it.each([
    ['uppercase', 'Acme.word-count'],
    ['no dot', 'acme'],
    ['trailing dash', 'acme.word-'],
    ['underscore', 'acme.word_count'],
    ['empty part', 'acme..count'],
  ])('rejects an id with %s, saying what is expected', (_why, id) => {
    const errors = errorsOf(withOverrides({ id }));
    expect(errors.some((e) => /^id: expected .*"<publisher>\.<name>"/.test(e))).toBe(true);
  });

  it('rejects an id that does not start with the publisher', () => {
    expect(errorsOf(withOverrides({ id: 'other.word-count' }))).toEqual([
      'id: expected the id to start with the publisher ("acme.")',
    ]);
  });

  it('does not accept a publisher that is only a prefix of the first id part', () => {
    // "ac" is a string prefix of "acme.word-count" but not its publisher segment.
    expect(errorsOf(withOverrides({ publisher: 'ac' }))).toEqual([
      'id: expected the id to start with the publisher ("ac.")',
    ]);
  });

  it('rejects a bad publisher', () => {
    const errors = errorsOf(withOverrides({ publisher: 'Acme Inc' }));
    expect(errors[0]).toMatch(/^publisher: expected lowercase letters, digits and "-"/);
  });

  it.each(['1.2', 'v1.2.0', '1.2.0.0', '01.2.0', ' 1.2.0', 'latest'])('rejects the version "%s"', (version) => {
    expect(errorsOf(withOverrides({ version }))).toEqual(['version: expected a semantic version like "1.2.0"']);
  });

  it('accepts a prerelease version', () => {
    expect(parseManifest(withOverrides({ version: '2.0.0-beta.1' })).ok).toBe(true);
  });

  it('rejects engines that are missing, not a range, or the wrong shape', () => {
    const { engines: _drop, ...noEngines } = MINIMAL;
    expect(errorsOf(noEngines)[0]).toMatch(/^engines: expected object/);
    expect(errorsOf(withOverrides({ engines: { warden: 'banana' } }))).toEqual([
      'engines.warden: expected a semver range like "^1.0.0"',
    ]);
    expect(errorsOf(withOverrides({ engines: {} }))[0]).toMatch(/^engines\.warden: expected string/);
  });

  it('rejects duplicate command ids', () => {
    const commands = [
      { id: 'a', title: 'A' },
      { id: 'a', title: 'B' },
    ];
    expect(errorsOf(withOverrides({ contributes: { commands } }))).toEqual([
      'contributes.commands[1].id: duplicate command id "a"',
    ]);
  });

  it('rejects limits above the host maximum, each naming the limit and the maximum', () => {
    const errors = errorsOf(
      withOverrides({
        limits: {
          memoryMb: MAX_LIMITS.memoryMb + 1,
          cpuPercent: MAX_LIMITS.cpuPercent + 1,
          callTimeoutMs: MAX_LIMITS.callTimeoutMs + 1,
          storageMb: MAX_LIMITS.storageMb + 1,
        },
      }),
    );
    expect(errors).toEqual([
      `limits.memoryMb: expected at most ${MAX_LIMITS.memoryMb} (the host maximum)`,
      `limits.cpuPercent: expected at most ${MAX_LIMITS.cpuPercent} (the host maximum)`,
      `limits.callTimeoutMs: expected at most ${MAX_LIMITS.callTimeoutMs} (the host maximum)`,
      `limits.storageMb: expected at most ${MAX_LIMITS.storageMb} (the host maximum)`,
    ]);
  });

  it('accepts limits exactly at the host maximum', () => {
    expect(parseManifest(withOverrides({ limits: { ...MAX_LIMITS } })).ok).toBe(true);
  });

  it('rejects fractional and too-small limits', () => {
    expect(errorsOf(withOverrides({ limits: { storageMb: 1.5, memoryMb: 1 } }))).toEqual([
      'limits.memoryMb: expected at least 16',
      'limits.storageMb: expected a whole number',
    ]);
  });

  it('names the field and the expected type for a value of the wrong type', () => {
    expect(errorsOf(withOverrides({ name: 5 }))).toEqual(['name: expected string, received number']);
    expect(errorsOf(withOverrides({ activation: 'onLoad' }))[0]).toMatch(/^activation: .*"onCommand".*"onStartup"/);
  });

  it('rejects a main outside the folder or not a script', () => {
    expect(errorsOf(withOverrides({ main: '../evil.js' }))[0]).toMatch(/^main: must not contain "\.\."/);
    expect(errorsOf(withOverrides({ main: '/abs/extension.js' }))[0]).toMatch(/^main: expected a relative path/);
    expect(errorsOf(withOverrides({ main: 'dist/extension.mjs' }))).toEqual(['main: expected a .js or .cjs bundle']);
  });

  it('rejects permission patterns of the wrong form, with the index', () => {
    const errors = errorsOf(
      withOverrides({ permissions: { 'fs.read': ['~/ok/**', 'relative/**'], net: ['ftp://x.example/'] } }),
    );
    expect(errors).toEqual([
      'permissions["fs.read"][1]: expected an absolute path pattern or one starting with "~/"',
      'permissions.net[0]: expected a URL pattern like "https://api.example.com/**"',
    ]);
  });

  it('rejects control and bidi-override characters in display text', () => {
    expect(errorsOf(withOverrides({ name: 'Word\u202eCount' }))).toEqual([
      'name: must not contain control or bidi-override characters',
    ]);
  });

  it('reports every problem at once, not only the first', () => {
    const input: Partial<ManifestInput> & Record<string, unknown> = {
      ...MINIMAL,
      version: 'x',
      extra: 1,
      limits: { memoryMb: 1e6 },
    };
    const errors = errorsOf(input);
    expect(errors).toHaveLength(3);
    expect(errors.map((e) => e.split(':')[0]).sort()).toEqual(['(root)', 'limits.memoryMb', 'version']);
  });

  it('rejects values that are not objects', () => {
    expect(errorsOf(null)[0]).toMatch(/^\(root\): expected object/);
    expect(errorsOf([])[0]).toMatch(/^\(root\): expected object/);
  });
});
