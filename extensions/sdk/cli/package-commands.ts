/**
 * Packages and trust on the command line: `keygen`, `pack`, `verify`, `install`, `update`,
 * `approve`, `rollback`, `uninstall`, `list`, `catalog build`, `search`. Every command that
 * touches installed extensions runs recovery first (under the install lock) and honours
 * `--data-dir`. A refused or invalid package exits 2 with one line saying why.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  createBriefReader,
  describePermissions,
  extractPackage,
  packExtension,
  readPrivateKey,
  verifyPackage,
  writeKeyPair,
  extensionForbidden,
  describeComponent,
  describeFinding,
  describeSbom,
  readPackageSbom,
  SBOM_FILE,
  type InstallOutcome,
  type PackageSbom,
  type PermissionWidening,
} from '../../../electron/core';
import { CliError, EXIT_OK } from './usage';
import { formatBrief } from '../../../electron/core';
import { dataDirOf, type CliContext } from './context';
import { formatTable } from './format-result';
import { catalogFrom, guard, registryFor, type Command } from './package-support';
import {
  DATA_DIR_OPTIONS,
  INSTALL_OPTIONS,
  KEYGEN_OPTIONS,
  LIST_OPTIONS,
  PACK_OPTIONS,
  ROLLBACK_OPTIONS,
  UPDATE_OPTIONS,
  VERIFY_OPTIONS,
} from './command-options';
import { catalogCommand, searchCommand } from './catalog-commands';
import { policyFromFlags } from './permission-flags';
import { confirmBrief } from './install-consent';

const short = (fpr: string | undefined) => (fpr ? `${fpr.slice(0, 16)}…` : 'none');

function wideningLines(w: PermissionWidening): string[] {
  return describePermissions(w).map((l) => `  + ${l}`);
}

export const keygenCommand: Command = async (argv, ctx) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: KEYGEN_OPTIONS,
  });
  if (positionals.length) throw new CliError('keygen takes no arguments (use --out <file>)');
  const file = path.resolve(values.out ?? path.join(dataDirOf(values), 'keys', 'publisher.key'));
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const pair = await guard(async () => writeKeyPair(file));
  ctx.stdout(
    `wrote ${file} (private key, mode 0600: keep it secret) and ${file}.pub\n` +
      `public key:  ${pair.publicKey}\nfingerprint: ${pair.fingerprint}\n`,
  );
  return EXIT_OK;
};

export const packCommand: Command = async (argv, ctx) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: PACK_OPTIONS,
  });
  if (positionals.length !== 1) throw new CliError('pack takes <extension-dir> --key <file>');
  if (!values.key) throw new CliError('pack needs --key <private-key-file> (create one with: warden keygen)');
  const dir = path.resolve(positionals[0]!);
  const key = await guard(async () => readPrivateKey(path.resolve(values.key!)), true);
  const result = await guard(() => packExtension(dir, key, { gzip: values.gzip }), true);
  const out = path.resolve(values.out ?? `${result.id}-${result.version}.wext`);
  fs.writeFileSync(out, result.bytes);
  ctx.stdout(
    `packed ${result.id} ${result.version} → ${out} (${result.files.length} files, ${result.bytes.length} bytes)\n` +
      `signed by key ${key.fingerprint}\n`,
  );
  return EXIT_OK;
};

export const verifyCommand: Command = async (argv, ctx) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: VERIFY_OPTIONS,
  });
  if (positionals.length !== 1) throw new CliError('verify takes <file.wext>');
  const file = path.resolve(positionals[0]!);
  // Extracted to a private temporary folder so the SBOM can be read from what was verified.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-verify-'));
  const { pkg, extracted, sbom } = await guard(async () => {
    try {
      // A throwaway folder: nothing here has to survive a power cut, so no fsync.
      const extracted = await extractPackage(file, tmp, { fsync: false });
      const pkg = verifyPackage(extracted);
      // The SBOM is one of the signed files (checked above): what it says is what the publisher signed.
      return { extracted, pkg, sbom: await readPackageSbom(tmp) };
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, true);
  // The brief reads the data folder only to say whether the key is pinned (or the id installed).
  const registry = registryFor(dataDirOf(values));
  const brief = await guard(
    async () => createBriefReader(registry).forFile(file, (await registry.record(pkg.id)) ? 'update' : 'install'),
    true,
  );
  if (values.json) {
    ctx.stdout(
      `${JSON.stringify({
        ok: true,
        id: pkg.id,
        version: pkg.version,
        publisher: pkg.publisher,
        publicKey: pkg.publicKey,
        fingerprint: pkg.fingerprint,
        sha256: extracted.packageSha256,
        files: Object.keys(pkg.files).length,
        permissions: pkg.manifest.permissions,
        sbom,
        brief,
      })}\n`,
    );
  } else {
    ctx.stdout(
      `ok: ${pkg.id} ${pkg.version} (signature and ${Object.keys(pkg.files).length} file hashes verified)\n` +
        formatBrief(brief) +
        [...sbomLines(sbom), ''].join('\n'),
    );
  }
  return EXIT_OK;
};

/** "bundled packages (signed SBOM):" and one line per package, or "no bill of materials". */
function sbomLines(sbom: PackageSbom | undefined, indent = ''): string[] {
  if (!sbom) return [];
  if (sbom.status !== 'present' || sbom.components.length === 0) return [`${indent}${describeSbom(sbom)}`];
  return [
    `${indent}bundled packages (${SBOM_FILE}):`,
    ...sbom.components.map((c) => `${indent}  ${describeComponent(c)}`),
  ];
}

/** Advisory warnings after install or update (stderr: they are warnings, the install went ahead). */
function reportAdvisories(ctx: CliContext, o: InstallOutcome): void {
  for (const f of o.advisories ?? [])
    ctx.stderr(`warden: warning: ${o.id} ${o.version} bundles ${describeFinding(f)}\n`);
}

function reportOutcome(ctx: CliContext, o: InstallOutcome): void {
  reportAdvisories(ctx, o);
  if (o.status === 'pending-approval') {
    ctx.stdout(
      [
        `${o.id} ${o.version} asks for more permissions than ${o.from}:`,
        ...wideningLines(o.widening!),
        `${o.from} stays active; to switch, run: warden approve ${o.id}`,
      ].join('\n') + '\n',
    );
    return;
  }
  const verb = o.status === 'installed' ? 'installed' : 'updated';
  const what = o.from ? `${o.id} ${o.from} → ${o.version}` : `${o.id} ${o.version}`;
  const trust = o.unsigned ? 'unsigned, developer mode' : `publisher key ${short(o.fingerprint)}`;
  ctx.stdout(`${verb} ${what} (${trust})\n`);
  for (const l of sbomLines(o.sbom, '  ')) ctx.stdout(`${l}\n`);
  if (o.widening) for (const l of wideningLines(o.widening)) ctx.stdout(`${l}\n`);
}

export const installCommand: Command = async (argv, ctx) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: INSTALL_OPTIONS,
  });
  if (positionals.length !== 1) throw new CliError('install takes <file.wext | catalog-id> (or --dev <extension-dir>)');
  const target = positionals[0]!;
  const registry = registryFor(dataDirOf(values), values);
  const reader = createBriefReader(registry);
  const acceptNewKey = values['accept-new-key'];
  const dev = values.dev || values.unsigned;
  if (dev && !fs.statSync(target, { throwIfNoEntry: false })?.isDirectory())
    throw new CliError(`${target} is not a folder`);
  const catalog = !dev && !isPackageFile(target) ? await guard(() => catalogFrom(registry, values)) : undefined;
  // The brief first; nothing is installed or pinned until the user agrees to it.
  const brief = await guard(async () =>
    dev
      ? reader.forFolder(path.resolve(target))
      : catalog
        ? reader.forCatalog(catalog, target, 'install')
        : reader.forFile(path.resolve(target), 'install'),
  );
  await confirmBrief(ctx, brief, { yes: values.yes, json: values.json, acceptNewKey, question: 'Install?' });
  // Bound to the reviewed package: a file or catalog entry changed since is refused.
  const expect = brief.sha256 ? { sha256: brief.sha256 } : undefined;
  const outcome = await guard(async () => {
    if (dev) return registry.installUnsigned(path.resolve(target));
    if (catalog) return registry.installFromCatalog(catalog, target, 'install', { acceptNewKey, expect });
    return registry.install(path.resolve(target), { acceptNewKey, expect });
  });
  if (outcome.replacedKey)
    ctx.stderr(
      `warden: replaced the pinned publisher key ${short(outcome.replacedKey)} of ${outcome.id} with ` +
        `${short(outcome.fingerprint)} (--accept-new-key): updates must now be signed by the new key\n`,
    );
  if (values.json) {
    reportAdvisories(ctx, outcome);
    ctx.stdout(`${JSON.stringify({ ok: true, ...outcome, manifest: undefined, brief })}\n`);
  } else reportOutcome(ctx, outcome);
  // Shown at the commit; the exit waits for the flush, so a zero exit means on disk (power cut safe).
  await guard(() => registry.flushed());
  return EXIT_OK;
};

function isPackageFile(target: string): boolean {
  return (
    target.endsWith('.wext') ||
    target.includes('/') ||
    fs.statSync(target, { throwIfNoEntry: false })?.isFile() === true
  );
}

export const updateCommand: Command = async (argv, ctx) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: UPDATE_OPTIONS,
  });
  if (positionals.length < 1 || positionals.length > 2)
    throw new CliError('update takes <id> <file.wext> (or <id> --catalog <source>)');
  const [id, file] = positionals as [string, string | undefined];
  const registry = registryFor(dataDirOf(values), values);
  const reader = createBriefReader(registry);
  const catalog = file ? undefined : await guard(() => catalogFrom(registry, values));
  const brief = await guard(async () =>
    catalog ? reader.forCatalog(catalog, id, 'update') : reader.forFile(path.resolve(file!), 'update'),
  );
  if (brief.id !== id) throw new CliError(`the package is ${brief.id}, not ${id}; nothing was updated`);
  const adds = (brief.changes?.added.length ?? 0) > 0;
  await confirmBrief(ctx, brief, {
    yes: values.yes,
    json: values.json,
    question: adds ? 'Update and allow the added permissions?' : 'Update?',
  });
  // "y" on a terminal answers for the added permissions shown; --yes alone leaves them to: warden approve.
  const approve = values.approve || (adds && !values.yes);
  const expect = brief.sha256 ? { sha256: brief.sha256 } : undefined;
  const outcome = await guard(async () => {
    if (catalog) return registry.installFromCatalog(catalog, id, 'update', { approve, expect });
    return registry.update(id, path.resolve(file!), { approve, expect });
  });
  if (values.json) {
    reportAdvisories(ctx, outcome);
    ctx.stdout(`${JSON.stringify({ ok: true, ...outcome, manifest: undefined, brief })}\n`);
  } else reportOutcome(ctx, outcome);
  // Shown at the commit; the exit waits for the flush, so a zero exit means on disk (power cut safe).
  await guard(() => registry.flushed());
  return EXIT_OK;
};

export const approveCommand: Command = async (argv, ctx) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: DATA_DIR_OPTIONS,
  });
  if (positionals.length !== 1) throw new CliError('approve takes <id>');
  const outcome = await guard(() => registryFor(dataDirOf(values)).approve(positionals[0]!));
  reportOutcome(ctx, outcome);
  return EXIT_OK;
};

export const rollbackCommand: Command = async (argv, ctx) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: ROLLBACK_OPTIONS,
  });
  if (positionals.length !== 1) throw new CliError('rollback takes <id> [--to <version>]');
  const out = await guard(() =>
    registryFor(dataDirOf(values)).rollback(positionals[0]!, values.to ? { to: values.to } : {}),
  );
  ctx.stdout(`rolled back ${out.id} ${out.from} → ${out.to}\n`);
  return EXIT_OK;
};

export const uninstallCommand: Command = async (argv, ctx) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: DATA_DIR_OPTIONS,
  });
  if (positionals.length !== 1) throw new CliError('uninstall takes <id>');
  const out = await guard(() => registryFor(dataDirOf(values)).uninstall(positionals[0]!));
  ctx.stdout(`uninstalled ${out.id} ${out.version}\n`);
  return EXIT_OK;
};

export const listCommand: Command = async (argv, ctx) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: LIST_OPTIONS,
  });
  if (positionals.length) throw new CliError('list takes no arguments');
  const dataDir = dataDirOf(values);
  const { policy } = policyFromFlags(dataDir, values);
  const registry = registryFor(dataDir);
  const items = await guard(async () => {
    await registry.recover();
    return (await registry.list()).map((i) => {
      const forbidden = extensionForbidden(policy, {
        extensionId: i.id,
        publisher: i.publisher,
        fingerprint: i.fingerprint,
      });
      return forbidden ? { ...i, forbidden } : i;
    });
  });
  if (values.json) {
    ctx.stdout(`${JSON.stringify(items)}\n`);
    return EXIT_OK;
  }
  if (items.length === 0) {
    ctx.stdout('no extensions installed\n');
    return EXIT_OK;
  }
  ctx.stdout(
    `${formatTable(
      ['id', 'version', 'state', 'flags', 'kept'],
      items.map((i) => [
        i.id,
        i.version,
        i.problem
          ? 'broken'
          : i.blocked
            ? 'blocked'
            : 'forbidden' in i
              ? 'forbidden'
              : i.enabled
                ? 'enabled'
                : 'disabled',
        [
          i.unsigned ? 'unsigned' : '',
          i.blocked ? 'blocked' : '',
          'forbidden' in i ? 'forbidden by policy' : '',
          i.pending ? `update ${i.pending.version} awaits approval` : '',
          i.lastRollback ? `rolled back from ${i.lastRollback.from}` : '',
        ]
          .filter(Boolean)
          .join(', '),
        i.kept.join(', '),
      ]),
    )}\n`,
  );
  // Why an extension will not run, in full (the table cuts long cells).
  for (const i of items) {
    for (const why of [i.blocked, 'forbidden' in i ? i.forbidden : undefined, i.problem]) {
      if (why) ctx.stdout(`${i.id}: ${why}\n`);
    }
  }
  // What each one bundles (its SBOM), by name@version and licence.
  for (const i of items) for (const l of sbomLines(i.sbom)) ctx.stdout(`${i.id}: ${l.trimStart()}\n`);
  return EXIT_OK;
};

export const PACKAGE_COMMANDS: ReadonlyArray<[string, Command]> = [
  ['keygen', keygenCommand],
  ['pack', packCommand],
  ['verify', verifyCommand],
  ['install', installCommand],
  ['update', updateCommand],
  ['approve', approveCommand],
  ['rollback', rollbackCommand],
  ['uninstall', uninstallCommand],
  ['list', listCommand],
  ['catalog', catalogCommand],
  ['search', searchCommand],
];
