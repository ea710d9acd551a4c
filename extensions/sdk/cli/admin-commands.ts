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
} from '../../../electron/core';
import { CliError, EXIT_OK } from './usage';
import { dataDirOf, type CliContext } from './context';
import { formatTable } from './format-result';

export async function grantsCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      extension: { type: 'string' },
      all: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
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

function formatRecord(r: AuditRecord): string {
  const when = new Date(r.time).toISOString();
  const what =
    r.kind === 'operation'
      ? `${r.method} ${r.target ?? ''}${r.bytes !== undefined ? ` ${r.bytes}B` : ''}${r.detail ? ` ${r.detail}` : ''}`
      : `${r.capability ?? ''} ${r.target ?? ''} → ${r.decision ?? ''}${r.reason ? ` (${r.reason})` : ''}${r.via ? ` via ${r.via}` : ''}`;
  return `${when}  ${r.ext}  ${r.kind.padEnd(9)}  ${what}`;
}

export async function auditCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      extension: { type: 'string' },
      follow: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const file = servicePaths(dataDirOf(values)).audit;
  const log = createAuditLog({ file });
  const show = (r: AuditRecord) => ctx.stdout(`${values.json ? JSON.stringify(r) : formatRecord(r)}\n`);
  for (const r of log.read({ extensionId: values.extension })) show(r);
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
    options: { 'data-dir': { type: 'string' } },
  });
  const [verb, extId, name] = positionals;
  const store = createFileSecretStore(servicePaths(dataDirOf(values)).secrets);
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
    'usage: warden secrets set <extension-id> <NAME> (value on stdin) | list <extension-id> | delete <extension-id> <NAME>',
  );
}

export async function quarantineCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { 'data-dir': { type: 'string' } },
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
