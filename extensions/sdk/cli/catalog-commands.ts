/** `catalog build` (sign a catalog index of .wext files) and `search` (the configured catalog). */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildCatalog, readPrivateKey, type CatalogBlock } from '../../../electron/core';
import { CliError, EXIT_OK } from './usage';
import { dataDirOf } from './context';
import { formatTable } from './format-result';
import { catalogFrom, guard, registryFor, type Command } from './package-support';
import { CATALOG_BUILD_OPTIONS, SEARCH_OPTIONS } from './command-options';

function parseBlock(spec: string): CatalogBlock {
  const m = /^([^@\s]+)@([^:\s]+)(?::([0-9a-f]{64}))?$/.exec(spec);
  if (!m) throw new CliError(`--block expects <id>@<version>[:<sha256>], got "${spec}"`);
  return { id: m[1]!, version: m[2]!, ...(m[3] ? { sha256: m[3] } : {}) };
}

/** `--rollout <id>@<version>=<percent>`: stage that version to a share of installations. */
function parseRollout(specs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const spec of specs) {
    const m = /^([^@\s]+@[^=\s]+)=(\d{1,3})$/.exec(spec);
    if (!m || Number(m[2]) > 100) throw new CliError(`--rollout expects <id>@<version>=<0-100>, got "${spec}"`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

export const catalogCommand: Command = async (argv, ctx) => {
  const [verb, ...rest] = argv;
  if (verb !== 'build')
    throw new CliError(
      'catalog takes: build <dir-of-wext-files> --key <file> [--out index.json] [--rollout <id>@<version>=<percent>]',
    );
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: CATALOG_BUILD_OPTIONS,
  });
  if (positionals.length !== 1) throw new CliError('catalog build takes <dir-of-wext-files> --key <file>');
  if (!values.key) throw new CliError('catalog build needs --key <private-key-file>');
  const num = (s: string | undefined, name: string) => {
    if (s === undefined) return undefined;
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n <= 0) throw new CliError(`${name} expects a positive whole number`);
    return n;
  };
  const key = await guard(async () => readPrivateKey(path.resolve(values.key!)), true);
  const { file, index } = await guard(
    () =>
      buildCatalog(path.resolve(positionals[0]!), key, {
        ...(values.out ? { out: path.resolve(values.out) } : {}),
        version: num(values['index-version'], '--index-version'),
        expiresDays: num(values['expires-days'], '--expires-days'),
        block: (values.block ?? []).map(parseBlock),
        rollout: parseRollout(values.rollout ?? []),
      }),
    true,
  );
  ctx.stdout(
    `wrote ${file}: index version ${index.version}, ${index.packages.length} packages, ` +
      `${index.blocklist.length} blocked, expires ${index.expires}\n`,
  );
  return EXIT_OK;
};

export const searchCommand: Command = async (argv, ctx) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: SEARCH_OPTIONS,
  });
  if (positionals.length > 1) throw new CliError('search takes one <text>');
  const registry = registryFor(dataDirOf(values));
  const catalog = await guard(() => catalogFrom(registry, values));
  const found = catalog.search(positionals[0] ?? '');
  if (values.json) {
    ctx.stdout(
      `${JSON.stringify(found.map((p) => ({ ...p, blocked: catalog.blocked(p.id, p.version, p.sha256) })))}\n`,
    );
    return EXIT_OK;
  }
  if (found.length === 0) {
    ctx.stdout('no matching packages\n');
    return EXIT_OK;
  }
  ctx.stdout(
    `${formatTable(
      ['id', 'version', 'name', 'publisher', 'note'],
      found.map((p) => [
        p.id,
        p.version,
        p.name ?? '',
        p.publisher,
        catalog.blocked(p.id, p.version, p.sha256) ? 'blocklisted' : '',
      ]),
    )}\n`,
  );
  return EXIT_OK;
};
