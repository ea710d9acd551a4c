/**
 * Every sub-command's options, in one light module: the commands parse with these, `--help`
 * describes them, and a unit test checks docs/cli.md against them (so a documented flag that the
 * parser does not know, or the reverse, fails the build). Nothing heavy is imported here.
 */
import type { ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export const PERMISSION_OPTIONS = {
  allow: { type: 'string', multiple: true },
  deny: { type: 'string', multiple: true },
  'deny-all': { type: 'boolean', default: false },
  prompt: { type: 'boolean', default: false },
  'prompt-timeout': { type: 'string' },
  pick: { type: 'string', multiple: true },
  policy: { type: 'string' },
} as const;

export const CATALOG_OPTIONS = {
  catalog: { type: 'string' },
  'trust-catalog-key': { type: 'string', multiple: true },
} as const;

const dataDir = { 'data-dir': { type: 'string' } } as const;
const json = { json: { type: 'boolean', default: false } } as const;

export const RUN_OPTIONS = {
  args: { type: 'string' },
  ...json,
  ...dataDir,
  timeout: { type: 'string' },
  verbose: { type: 'boolean', default: false },
  ...PERMISSION_OPTIONS,
} as const;

export const DEV_OPTIONS = {
  ...dataDir,
  run: { type: 'string' },
  args: { type: 'string' },
  entry: { type: 'string' },
  verbose: { type: 'boolean', default: false },
  ...PERMISSION_OPTIONS,
} as const;

export const TOP_OPTIONS = {
  run: { type: 'string' },
  args: { type: 'string' },
  duration: { type: 'string' },
  ...dataDir,
  ...PERMISSION_OPTIONS,
} as const;

export const SERVE_OPTIONS = {
  port: { type: 'string' },
  ...dataDir,
  dev: { type: 'string', multiple: true },
  examples: { type: 'boolean', default: false },
  catalog: { type: 'string' },
  'catalog-refresh': { type: 'string' },
  policy: { type: 'string' },
  'prompt-timeout': { type: 'string' },
  open: { type: 'boolean', default: false },
  verbose: { type: 'boolean', default: false },
} as const;

export const INIT_OPTIONS = {
  id: { type: 'string' },
  name: { type: 'string' },
  js: { type: 'boolean', default: false },
  python: { type: 'boolean', default: false },
} as const;

export const BUILD_OPTIONS = { entry: { type: 'string' }, wheels: { type: 'string' } } as const;
export const VALIDATE_OPTIONS = {
  ...json,
  strict: { type: 'boolean', default: false },
  format: { type: 'string' },
} as const;

export const GRANTS_OPTIONS = {
  ...dataDir,
  extension: { type: 'string' },
  all: { type: 'boolean', default: false },
  ...json,
} as const;
export const AUDIT_OPTIONS = {
  ...dataDir,
  extension: { type: 'string' },
  follow: { type: 'boolean', default: false },
  ...json,
} as const;
export const DATA_DIR_OPTIONS = { ...dataDir } as const;

export const KEYGEN_OPTIONS = { out: { type: 'string' }, ...dataDir } as const;
export const PACK_OPTIONS = {
  key: { type: 'string' },
  out: { type: 'string' },
  gzip: { type: 'boolean', default: false },
} as const;
export const VERIFY_OPTIONS = { ...json, ...dataDir } as const;
/** An advisory feed to match bundled packages against, and a key trusted to sign it. */
export const FEED_OPTIONS = {
  feed: { type: 'string' },
  'trust-feed-key': { type: 'string', multiple: true },
} as const;
export const INSTALL_OPTIONS = {
  ...dataDir,
  ...FEED_OPTIONS,
  dev: { type: 'boolean', default: false },
  unsigned: { type: 'boolean', default: false },
  ...json,
  'accept-new-key': { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
  policy: { type: 'string' },
  ...CATALOG_OPTIONS,
} as const;
export const UPDATE_OPTIONS = {
  ...dataDir,
  ...FEED_OPTIONS,
  approve: { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
  ...json,
  policy: { type: 'string' },
  ...CATALOG_OPTIONS,
} as const;
export const ROLLBACK_OPTIONS = { ...dataDir, to: { type: 'string' } } as const;
export const LIST_OPTIONS = { ...dataDir, ...json, policy: { type: 'string' } } as const;
export const CATALOG_BUILD_OPTIONS = {
  key: { type: 'string' },
  out: { type: 'string' },
  'index-version': { type: 'string' },
  'expires-days': { type: 'string' },
  block: { type: 'string', multiple: true },
  rollout: { type: 'string', multiple: true },
} as const;
export const ADVISORIES_OPTIONS = {
  ...dataDir,
  ...json,
  ...FEED_OPTIONS,
  key: { type: 'string' },
  out: { type: 'string' },
  'feed-version': { type: 'string' },
  'expires-days': { type: 'string' },
} as const;
export const SEARCH_OPTIONS = { ...dataDir, ...json, ...CATALOG_OPTIONS } as const;

/** Every command by name and the options its parser accepts (`--help`/`-h` come on top). */
export const ANOMALIES_OPTIONS = {
  ...dataDir,
  extension: { type: 'string' },
  all: { type: 'boolean', default: false },
  ...json,
} as const;

export const COMMAND_OPTIONS: Readonly<Record<string, Options>> = {
  init: INIT_OPTIONS,
  run: RUN_OPTIONS,
  dev: DEV_OPTIONS,
  build: BUILD_OPTIONS,
  validate: VALIDATE_OPTIONS,
  grants: GRANTS_OPTIONS,
  audit: AUDIT_OPTIONS,
  secrets: DATA_DIR_OPTIONS,
  quarantine: DATA_DIR_OPTIONS,
  release: DATA_DIR_OPTIONS,
  top: TOP_OPTIONS,
  anomalies: ANOMALIES_OPTIONS,
  serve: SERVE_OPTIONS,
  keygen: KEYGEN_OPTIONS,
  pack: PACK_OPTIONS,
  verify: VERIFY_OPTIONS,
  install: INSTALL_OPTIONS,
  update: UPDATE_OPTIONS,
  approve: DATA_DIR_OPTIONS,
  rollback: ROLLBACK_OPTIONS,
  uninstall: DATA_DIR_OPTIONS,
  list: LIST_OPTIONS,
  catalog: CATALOG_BUILD_OPTIONS,
  search: SEARCH_OPTIONS,
  advisories: ADVISORIES_OPTIONS,
};
