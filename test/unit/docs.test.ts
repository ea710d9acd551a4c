// The documentation in docs/ against the code it describes: every flag docs/cli.md lists for a
// command is one its parser accepts (and it lists them all); every manifest key docs/manifest.md
// documents is in the manifest schema, and every key of the schema is documented.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { COMMAND_OPTIONS } from '../../extensions/sdk/cli/command-options';
import { ManifestSchema, parseManifest } from '../../electron/common/manifest';

const DOCS = path.join(__dirname, '..', '..', 'docs');
const read = (name: string) => fs.readFileSync(path.join(DOCS, name), 'utf8');
const flagsIn = (text: string) =>
  [...new Set([...text.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((m) => m[1]!))].filter((f) => f !== 'help');

describe('docs/cli.md', () => {
  const sections = new Map<string, string>();
  const parts = read('cli.md').split(/^### `warden ([a-z-]+)`$/m);
  for (let i = 1; i < parts.length; i += 2) sections.set(parts[i]!, parts[i + 1]!);

  it('has a section for every command, and only for commands', () => {
    expect([...sections.keys()].sort()).toEqual(Object.keys(COMMAND_OPTIONS).sort());
  });

  it.each(Object.keys(COMMAND_OPTIONS))('documents exactly the flags `warden %s` parses', (name) => {
    expect(flagsIn(sections.get(name) ?? '').sort()).toEqual(Object.keys(COMMAND_OPTIONS[name]!).sort());
  });
});

/** Every key path of a zod (v4) schema: `a.b`, arrays as `[]`, records as `<name>`. */
function keyPaths(schema: z.ZodType, prefix: string, out: Set<string>): Set<string> {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
      return keyPaths(def.innerType as z.ZodType, prefix, out);
    case 'pipe':
      return keyPaths(def.in as z.ZodType, prefix, out);
    case 'array':
      return keyPaths(def.element as z.ZodType, `${prefix}[]`, out);
    case 'record':
      return keyPaths(def.valueType as z.ZodType, `${prefix}.<name>`, out);
    case 'union':
      for (const option of def.options as z.ZodType[]) keyPaths(option, prefix, out);
      return out;
    case 'object':
      for (const [key, value] of Object.entries(def.shape as Record<string, z.ZodType>)) {
        const p = prefix ? `${prefix}.${key}` : key;
        out.add(p);
        keyPaths(value, p, out);
      }
      return out;
    default:
      return out;
  }
}

describe('docs/manifest.md', () => {
  const documented = new Set([...read('manifest.md').matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((m) => m[1]!));
  const schema = keyPaths(ManifestSchema, '', new Set());

  it('walks the schema (a sanity check of the walker itself)', () => {
    expect(schema).toContain('contributes.commands[].params.<name>.kind');
    expect(schema).toContain('permissions.fs.read');
    expect(schema.size).toBeGreaterThan(35);
  });

  it('documents every key of the manifest schema', () => {
    expect([...schema].filter((k) => !documented.has(k))).toEqual([]);
  });

  it('documents no key the schema does not have', () => {
    expect([...documented].filter((k) => !schema.has(k))).toEqual([]);
  });
});

describe('docs/manifest.md example', () => {
  it('is a manifest Warden accepts as written', () => {
    const block = /A complete example:\s*```json\n([\s\S]*?)```/.exec(read('manifest.md'));
    expect(block, 'docs/manifest.md has "A complete example:" with a json block').not.toBeNull();
    const r = parseManifest(JSON.parse(block![1]!));
    expect(r.ok ? [] : r.errors).toEqual([]);
  });
});

describe('docs/ links', () => {
  it('every relative link in docs/ and README.md names a file that exists', () => {
    const files = fs.readdirSync(DOCS).filter((f) => f.endsWith('.md'));
    const broken: string[] = [];
    for (const [dir, name] of [...files.map((f) => [DOCS, f]), [path.join(DOCS, '..'), 'README.md']] as const) {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        // docs/os-wall.md is written by the OS-wall work, which may land after this page.
        if (target.endsWith('os-wall.md')) continue;
        if (!fs.existsSync(path.join(dir, target))) broken.push(`${name} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
