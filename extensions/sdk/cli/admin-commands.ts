/**
 * `warden grants [list|revoke]`, `warden audit [--extension id] [--follow]`,
 * `warden secrets [set|list|delete]`: what the user has allowed, what happened, and secrets.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import {
  createGrantStore,
  createAuditLog,
  type AuditRecord,
  createFileSecretStore,
  servicePaths,
  createStrikeBook,
  loadExtensionFolder,
  createPackageRegistry,
  PackageError,
} from '../../../electron/core';
import type { Manifest } from '../../../electron/common/manifest';
import { CliError, EXIT_OK } from './usage';
import { AUDIT_OPTIONS, DATA_DIR_OPTIONS, GRANTS_OPTIONS } from './command-options';
import { dataDirOf, type CliContext } from './context';
import { formatTable } from './format-result';

export async function grantsCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: GRANTS_OPTIONS,
  });
  const [verb = 'list', id] = positionals;
  const store = createGrantStore(servicePaths(dataDirOf(values)).grants);
  if (verb === 'list') {
    const grants = store.list(values.extension);
    if (values.json) ctx.stdout(`${JSON.stringify(grants)}\n`);
    else if (grants.length === 0) ctx.stdout('no stored grants\n');
    else
      ctx.stdout(
        `${formatTable(
          ['id', 'extension', 'capability', 'effect', 'scope'],
          grants.map((g) => [
            g.id,
            g.extensionId,
            g.capability,
            g.effect + (g.picked ? ' (picked)' : ''),
            `${g.scope.kind}: ${g.scope.value}`,
          ]),
        )}\n`,
      );
    return EXIT_OK;
  }
  if (verb === 'revoke') {
    if (!id && !values.extension)
      throw new CliError('grants revoke takes a grant id, or --extension <id> to revoke all of one extension');
    const n = await store.revoke(id ? { id } : { extensionId: values.extension });
    if (n === 0) throw new CliError(`no grant matches ${id ?? values.extension}`, 1);
    ctx.stdout(`revoked ${n} grant${n === 1 ? '' : 's'}\n`);
    return EXIT_OK;
  }
  throw new CliError(`unknown grants command "${verb}" (list, revoke)`);
}

/**
 * One line per record, always with its reason: a decision says what was asked and why it was
 * answered so; an operation what was done (and its error code); a violation, strike, kill,
 * quarantine or start/stop what happened and why.
 */
export function formatRecord(r: AuditRecord): string {
  const when = new Date(r.time).toISOString();
  const parts: string[] = [];
  if (r.kind === 'operation') {
    parts.push(`${r.method ?? ''} ${r.target ?? ''}`.trim());
    if (r.bytes !== undefined) parts.push(`${r.bytes}B`);
    if (r.detail) parts.push(`failed: ${r.detail}`);
  } else {
    const decision = r.decision !== undefined || r.capability !== undefined;
    if (decision) {
      parts.push(
        `${r.capability ?? ''} ${r.target ?? ''} → ${r.decision ?? ''}${r.reason ? ` (${r.reason})` : ''}${r.via ? ` via ${r.via}` : ''}`,
      );
    }
    if (r.detail) parts.push(r.detail);
    if (r.reason && !decision && r.reason !== r.detail) parts.push(`— ${r.reason}`);
  }
  return `${when}  ${r.ext}  ${r.kind.padEnd(9)}  ${parts.join('  ')}`;
}

export async function auditCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: AUDIT_OPTIONS,
  });
  const file = servicePaths(dataDirOf(values)).audit;
  const log = createAuditLog({ file });
  const show = (r: AuditRecord) => ctx.stdout(`${values.json ? JSON.stringify(r) : formatRecord(r)}\n`);
  const records = log.read({ extensionId: values.extension });
  for (const r of records) show(r);
  if (records.length === 0 && !values.follow) {
    // Say so rather than print nothing: a mistyped id must not look like "nothing happened".
    if (values.extension) throw new CliError(`no audit records for extension "${values.extension}"`, 1);
    ctx.stderr('the audit log is empty\n');
  }
  if (!values.follow) return EXIT_OK;
  // Follow: poll the file for appended lines (other processes write it) until interrupted.
  let offset = fs.existsSync(file) ? fs.statSync(file).size : 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      let size = 0;
      try {
        size = fs.statSync(file).size;
      } catch {
        return;
      }
      if (size < offset) offset = 0; // rotated
      if (size === offset) return;
      const fd = fs.openSync(file, 'r');
      const buf = Buffer.alloc(size - offset);
      fs.readSync(fd, buf, 0, buf.length, offset);
      fs.closeSync(fd);
      offset = size;
      for (const line of buf.toString('utf8').split('\n').filter(Boolean)) {
        try {
          const r = JSON.parse(line) as AuditRecord;
          if (!values.extension || r.ext === values.extension) show(r);
        } catch {
          // partial line: shown on the next pass
        }
      }
    }, 250);
    process.once('SIGINT', () => {
      clearInterval(timer);
      resolve();
    });
  });
  return EXIT_OK;
}

export async function secretsCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: DATA_DIR_OPTIONS,
  });
  const [verb, target, name] = positionals;
  const paths = servicePaths(dataDirOf(values));
  const store = createFileSecretStore(paths.secrets, { keyDir: paths.keys });
  // An extension folder (developer mode) stands for the id its manifest declares.
  const manifest = target ? await manifestOf(target, dataDirOf(values)) : undefined;
  const extId = manifest?.id ?? target;
  if (verb === 'list' && extId) {
    const names = await store.names(extId);
    ctx.stdout(names.length ? `${names.join('\n')}\n` : 'no secrets set\n');
    return EXIT_OK;
  }
  if ((verb === 'set' || verb === 'delete') && extId && name) {
    if (verb === 'delete') {
      if (!(await store.delete(extId, name))) throw new CliError(`no secret ${name} for ${extId}`, 1);
      ctx.stdout(`deleted ${name}\n`);
      return EXIT_OK;
    }
    // Only a name the extension declared: anything else is a value no permission could reach,
    // or a typo the user would never learn about.
    if (!manifest) {
      throw new CliError(
        `${target} is neither an extension folder nor an installed extension; give its folder or install it first`,
      );
    }
    const declared = manifest.permissions.secrets ?? [];
    if (!declared.includes(name)) {
      throw new CliError(
        `${manifest.id} does not declare a secret named ${name} (declared: ${declared.length ? declared.join(', ') : 'none'})`,
      );
    }
    // The value comes from stdin (one line), never from the command line where `ps` would show it.
    if (ctx.stdinIsTTY) ctx.stderr(`value for ${name} (input is not hidden; pipe it in to keep it off screen): `);
    const value = await new Promise<string>((resolve) => {
      const rl = readline.createInterface({ input: process.stdin, terminal: false });
      rl.once('line', (line) => {
        resolve(line); // before close(), whose handler would resolve with ''
        rl.close();
      });
      rl.once('close', () => resolve(''));
    });
    if (!value) throw new CliError('no value given on stdin');
    await store.set(extId, name, value);
    ctx.stdout(`stored ${name} for ${extId}\n`);
    return EXIT_OK;
  }
  throw new CliError(
    'usage: warden secrets set <extension-id|folder> <NAME> (value on stdin) | list <extension-id|folder> | delete <extension-id|folder> <NAME>',
  );
}

/** The manifest of an extension folder or an installed id; undefined when it is neither. */
async function manifestOf(target: string, dataDir: string): Promise<Manifest | undefined> {
  if (fs.statSync(target, { throwIfNoEntry: false })?.isDirectory()) {
    const loaded = await loadExtensionFolder(path.resolve(target));
    if (!loaded.ok) throw new CliError(`invalid extension: ${loaded.errors[0]}`);
    return loaded.extension.manifest;
  }
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(target)) return undefined;
  try {
    return (await createPackageRegistry(dataDir).loadInstalled(target)).manifest;
  } catch (err) {
    if (err instanceof PackageError && err.kind === 'not-found') return undefined;
    throw err instanceof PackageError ? new CliError(err.message) : err;
  }
}

export async function quarantineCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: DATA_DIR_OPTIONS,
  });
  const book = createStrikeBook({ file: path.join(dataDirOf(values), 'quarantine.json') });
  const [verb = 'list', id] = positionals;
  if (verb === 'list') {
    const list = book.list();
    ctx.stdout(
      list.length
        ? `${formatTable(
            ['extension', 'since', 'reason'],
            list.map((q) => [q.id, new Date(q.since).toISOString(), q.reason]),
          )}\n`
        : 'nothing is quarantined\n',
    );
    return EXIT_OK;
  }
  if (verb === 'release' && id) {
    if (!book.release(id)) throw new CliError(`${id} is not quarantined`, 1);
    ctx.stdout(`released ${id}\n`);
    return EXIT_OK;
  }
  throw new CliError('usage: warden quarantine [list] | warden release <extension-id>');
}
