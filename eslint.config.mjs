// Lint, including the runtime boundaries: a folder is a runtime, and only electron/main and
// electron/preload may import `electron`. tsconfig per runtime enforces the same with types.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

const electronBan = {
  paths: [{ name: 'electron', message: 'Only electron/main and electron/preload may import electron.' }],
  patterns: [{ group: ['electron/*'], message: 'Only electron/main and electron/preload may import electron.' }],
};
const requireElectronBan = {
  selector: "CallExpression[callee.name='require'][arguments.0.value=/^electron(\\u002F|$)/]",
  message: 'Only electron/main and electron/preload may load electron (it downloads its binary when required).',
};

/** Forbids imports from sibling runtimes (relative paths into their folders). */
const siblings = (names, why) => ({
  group: names.flatMap((n) => [`../${n}/*`, `../../electron/${n}/*`, `**/electron/${n}/*`]),
  message: why,
});

/** Outside electron/core, the core is imported only through its front door, electron/core/index.ts. */
const coreFrontDoor = {
  group: ['../core/*', '../../core/*', '../../electron/core/*', '../../../electron/core/*', '**/electron/core/*'],
  message: 'Import electron/core only through electron/core/index.ts (its public surface).',
};

/** Only the gateways' canonicalisers may mint a CanonicalTarget (electron/core/gateways/mint.ts). */
const mintBan = {
  group: ['**/gateways/mint', '**/gateways/mint.ts'],
  message:
    "Only the gateways' canonicalisers mint a CanonicalTarget: ask them (gateways/fs/fs-target.ts, net/net-target.ts).",
};
const canonicalCastBan = ['CanonicalString', 'CanonicalTarget'].map((name) => ({
  selector: `TSAsExpression > TSTypeReference > Identifier[name='${name}']`,
  message: "Only the gateways' canonicalisers make a canonical target; a cast would skip them.",
}));

/** A runtime's import rule: never `electron`, plus the extra patterns that folder may not import. */
const runtimeImports = (...extra) => ({
  'no-restricted-imports': ['error', { ...electronBan, patterns: [...electronBan.patterns, ...extra] }],
});
const noNodeBuiltins = (why) => ({ group: ['node:*'], message: why });

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'out/**',
      'release/**',
      'test-results/**',
      'extensions/examples/*/dist/**',
      'test/fixtures/**/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', electronBan],
      'no-restricted-syntax': ['error', requireElectronBan],
    },
  },
  {
    files: ['electron/common/**'],
    rules: runtimeImports(
      noNodeBuiltins('electron/common is runtime-neutral: no Node built-ins.'),
      siblings(['core', 'sandbox', 'main', 'preload', 'web'], 'electron/common imports nothing from other runtimes.'),
    ),
  },
  {
    files: ['electron/sandbox/**'],
    languageOptions: { globals: { lockdown: 'readonly', harden: 'readonly', Compartment: 'readonly' } },
    rules: runtimeImports(siblings(['core', 'main', 'preload', 'web'], 'The sandbox may import only electron/common.')),
  },
  {
    files: ['electron/core/**'],
    rules: runtimeImports(
      siblings(['sandbox', 'main', 'preload'], 'The core runs under plain Node: no sandbox or Electron adapters.'),
    ),
  },
  {
    // A CanonicalTarget is made only by the gateways' canonicalisers (electron/core/gateways/target.ts);
    // outside the core nothing reaches gateways/ at all (the front door above and below).
    files: ['electron/core/**'],
    ignores: ['electron/core/gateways/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...electronBan,
          patterns: [
            ...electronBan.patterns,
            siblings(
              ['sandbox', 'main', 'preload'],
              'The core runs under plain Node: no sandbox or Electron adapters.',
            ),
            mintBan,
          ],
        },
      ],
      'no-restricted-syntax': ['error', requireElectronBan, ...canonicalCastBan],
    },
  },
  {
    files: ['electron/web/**'],
    rules: runtimeImports(
      siblings(['sandbox', 'main', 'preload'], 'Headless mode uses the core, never the sandbox or Electron adapters.'),
      coreFrontDoor,
    ),
  },
  {
    // The renderer is a browser page: it reaches the host only through the bridge, and may take
    // only types and schemas from electron/common (no Node built-ins, no other runtime's code).
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: runtimeImports(noNodeBuiltins('The renderer runs in a browser page: no Node built-ins.'), {
      group: ['core', 'sandbox', 'main', 'preload', 'web'].map((n) => `**/electron/${n}/**`),
      message:
        'The renderer may import only electron/common (types and schemas); everything else goes through the bridge.',
    }),
  },
  {
    files: ['renderer/**/*.{ts,tsx}', 'test/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules, 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['extensions/sdk/**'],
    rules: runtimeImports(coreFrontDoor),
  },
  {
    files: ['electron/main/**', 'electron/preload/**'],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off' },
  },
  {
    files: ['electron/main/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [coreFrontDoor] }] },
  },
  {
    // Example extensions and fixtures are guest code: CommonJS with the sandbox's globals.
    files: ['extensions/examples/**/*.js', 'test/fixtures/**/*.js', 'test/compat/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { host: 'readonly', ...globals.browser, ...globals.commonjs },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
