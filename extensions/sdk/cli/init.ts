/**
 * `warden init <dir>`: scaffolds an extension that builds, validates and runs as it is, so the
 * first thing a developer sees working is the real dev loop (build → run), not a template to fix.
 * It writes into a new or empty folder only: nothing of the developer's is ever overwritten.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseManifest } from '../../../electron/common/manifest';
import { WARDEN_API_VERSION } from '../../../electron/common/version';
import { CliError, EXIT_OK } from './usage';
import { INIT_OPTIONS } from './command-options';
import type { CliContext } from './context';
import { pythonScaffoldFiles } from './init-python';

/** Folder names become the id's name part: lowercase letters, digits and "-". */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

function titleOf(name: string): string {
  return name
    .split('-')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}

export interface ScaffoldOptions {
  id: string;
  name: string;
  language: 'ts' | 'js';
  /** The text of the SDK's api.d.ts, copied in for editors and `tsc`; omitted when unknown. */
  apiTypes?: string;
}

/** The files of a new extension, by relative path. Exported for tests. */
export function scaffoldFiles(o: ScaffoldOptions): Record<string, string> {
  const [publisher, short] = o.id.split('.') as [string, string];
  const command = `${short}.greet`;
  const manifest = {
    id: o.id,
    name: o.name,
    version: '0.1.0',
    publisher,
    description: `${o.name}: a Warden extension.`,
    main: 'dist/extension.js',
    engines: { warden: `^${WARDEN_API_VERSION.split('.')[0]}.0.0` },
    activation: 'onCommand',
    contributes: {
      commands: [
        {
          id: command,
          title: 'Say hello',
          params: { name: { type: 'string', title: 'Name', default: 'world' } },
        },
      ],
    },
    // Nothing outside the extension's own data folder: add what it needs, e.g.
    // "fs.read": ["~/Documents/**"], "net": ["https://api.example.com/**"].
    permissions: {},
  };
  const body =
    o.language === 'ts'
      ? `/// <reference path="../warden.d.ts" />
// Bundled by \`warden build\` into dist/extension.js. \`host\` is the only authority the
// extension has; its API is typed in warden.d.ts.

export function activate(): void {
  host.commands.register('${command}', async ({ name }) => {
    const who = typeof name === 'string' && name !== '' ? name : 'world';
    // Private storage: persisted, always allowed, within limits.storageMb.
    const count = ((await host.storage.get('greetings')) as number | undefined) ?? 0;
    await host.storage.set('greetings', count + 1);
    return {
      type: 'table',
      columns: ['greeting', 'greetings so far'],
      rows: [[\`Hello, \${who}!\`, count + 1]],
    };
  });
}

export function deactivate(): void {}
`
      : `// Bundled by \`warden build\` into dist/extension.js. \`host\` is the only authority the
// extension has; its API is typed in warden.d.ts.
// @ts-check
/// <reference path="../warden.d.ts" />

exports.activate = () => {
  host.commands.register('${command}', async ({ name }) => {
    const who = typeof name === 'string' && name !== '' ? name : 'world';
    // Private storage: persisted, always allowed, within limits.storageMb.
    const count = /** @type {number | undefined} */ (await host.storage.get('greetings')) ?? 0;
    await host.storage.set('greetings', count + 1);
    return {
      type: 'table',
      columns: ['greeting', 'greetings so far'],
      rows: [[\`Hello, \${who}!\`, count + 1]],
    };
  });
};

exports.deactivate = () => {};
`;
  const files: Record<string, string> = {
    'manifest.json': `${JSON.stringify(manifest, null, 2)}\n`,
    [`src/extension.${o.language}`]: body,
    'README.md': `# ${o.name}

A Warden extension.

    warden build .                                     # bundles src/ into dist/extension.js
    warden run . ${command} --args '{"name":"Ada"}'    # runs it in the sandbox
    warden validate .                                  # checks manifest.json and the bundle
    warden dev .                                       # rebuilds and reloads on every save
    npm test                                           # test/ runs it in the sandbox (warden/testing)

Permissions the extension needs are declared in \`manifest.json\` (\`permissions\`); \`warden run\`
answers the prompts with \`--allow fs.read=~/Documents\`, \`--deny-all\` or \`--prompt\`.
Sign and ship it with \`warden keygen\` and \`warden pack . --key <file>\`.

\`npm test\` runs test/ with \`warden/testing\`, the SDK's test host (the real sandbox, scripted
permission answers, no Electron). It needs the Warden SDK linked: \`npm link\` in a Warden
checkout, then \`npm link warden\` here.
`,
    '.gitignore': 'dist/\n*.wext\n*.key\nnode_modules/\n',
    // One passing test with the SDK's test host (`warden/testing`): the real sandbox, no Electron.
    'test/extension.test.mjs': `// Runs the extension in the real Warden sandbox: \`npm test\` (node --test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startExtension } from 'warden/testing';

const folder = fileURLToPath(new URL('..', import.meta.url));

test('${command} greets by name and counts greetings in storage', async () => {
  // Builds src/ first. Prompts are answered by rules, e.g. { allow: ['fs.read=~/Documents'] };
  // anything not allowed is denied.
  const ext = await startExtension(folder);
  try {
    const first = await ext.run('${command}', { name: 'Ada' });
    assert.deepEqual(first, { type: 'table', columns: ['greeting', 'greetings so far'], rows: [['Hello, Ada!', 1]] });
    await ext.run('${command}', {});
    assert.equal(await ext.storage.get('greetings'), 2);
    assert.deepEqual(ext.prompts, []); // it asked for nothing
  } finally {
    await ext.stop();
  }
});
`,
    'package.json': `${JSON.stringify(
      {
        name: short,
        private: true,
        // \`warden/testing\` is the Warden SDK's: \`npm link warden\` from a Warden checkout.
        scripts: { build: 'warden build .', test: 'node --test' },
      },
      null,
      2,
    )}\n`,
  };
  if (o.apiTypes !== undefined) {
    files['warden.d.ts'] = o.apiTypes;
    files['tsconfig.json'] = `${JSON.stringify(
      {
        // For editors and \`tsc --noEmit\` only: \`warden build\` does the bundling.
        compilerOptions: {
          target: 'es2022',
          module: 'commonjs',
          strict: true,
          noEmit: true,
          allowJs: true,
          checkJs: true,
          types: [],
          lib: ['es2022'],
        },
        include: ['src', 'warden.d.ts'],
      },
      null,
      2,
    )}\n`;
  }
  return files;
}

export async function initCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: INIT_OPTIONS,
  });
  if (positionals.length !== 1) throw new CliError('init takes <extension-dir>');
  const dir = path.resolve(positionals[0]!);
  const short = slug(path.basename(dir)) || 'my-extension';
  const id = values.id ?? `my-publisher.${short}`;
  if (!/^[^.]+\.[^.]+$/.test(id)) throw new CliError(`--id expects "<publisher>.<name>", like "acme.word-count"`);
  const name = values.name ?? titleOf(id.split('.')[1] ?? short);

  let apiTypes: string | undefined;
  if (ctx.sdkDir) {
    try {
      apiTypes = fs.readFileSync(path.join(ctx.sdkDir, 'api.d.ts'), 'utf8');
    } catch {
      apiTypes = undefined; // the scaffold still builds and runs; editors just lack the types
    }
  }
  const files = values.python
    ? pythonScaffoldFiles({ id, name })
    : scaffoldFiles({ id, name, language: values.js ? 'js' : 'ts', apiTypes });
  // What is written must be what `warden validate` accepts: a bad --id or --name is told here.
  const parsed = parseManifest(JSON.parse(files['manifest.json']!));
  if (!parsed.ok) throw new CliError(`cannot scaffold: manifest.json: ${parsed.errors[0]}`, 2, parsed.errors.slice(1));

  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new CliError(`${positionals[0]} exists and is not a folder`);
    if (fs.readdirSync(dir).length > 0)
      throw new CliError(`${positionals[0]} is not empty (init writes into a new or empty folder only)`);
  }
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text, { flag: 'wx' }); // never overwrite, even in a race
  }
  const shown = positionals[0]!;
  const command = parsed.manifest.contributes.commands[0]!.id;
  ctx.stdout(
    `created ${id} in ${shown}: ${Object.keys(files).sort().join(', ')}\n` +
      (values.python ? 'next:\n' : `next:\n  warden build ${shown}\n`) +
      `  warden run ${shown} ${command} --args '{"name":"Ada"}'\n`,
  );
  return EXIT_OK;
}
