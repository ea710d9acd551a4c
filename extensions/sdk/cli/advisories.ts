/**
 * `warden advisories`: the vulnerable packages bundled in installed extensions, from each one's
 * SBOM matched against the trusted OSV advisory feed (offline: a file, never a live service).
 * `--feed <file>` verifies a new feed and keeps it (refused: bad signature, untrusted key,
 * expired, older than the kept one). Each advisory is audited once, when it first applies.
 * `warden advisories sign <records.json> --key <file>` signs OSV records into a feed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  createAuditLog,
  describeFinding,
  describeSbom,
  loadAdvisoryFeed,
  parseOsvRecords,
  readPrivateKey,
  readPublicKey,
  recordFindings,
  scanInstalled,
  servicePaths,
  signAdvisoryFeed,
} from '../../../electron/core';
import { ADVISORIES_OPTIONS } from './command-options';
import { dataDirOf } from './context';
import { guard, type Command } from './package-support';
import { CliError, EXIT_OK } from './usage';

const positiveInt = (v: string | undefined, what: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new CliError(`${what} must be a positive integer`);
  return n;
};

const signCommand = async (
  positionals: string[],
  values: { key?: string; out?: string; 'feed-version'?: string; 'expires-days'?: string },
  ctx: Parameters<Command>[1],
): Promise<number> => {
  if (positionals.length !== 1) throw new CliError('advisories sign takes <osv-records.json> --key <file>');
  if (!values.key) throw new CliError('advisories sign needs --key <private-key-file>');
  const key = await guard(async () => readPrivateKey(path.resolve(values.key!)), true);
  const records = await guard(
    async () => parseOsvRecords(fs.readFileSync(path.resolve(positionals[0]!), 'utf8')),
    true,
  );
  const version = positiveInt(values['feed-version'], '--feed-version') ?? Math.floor(Date.now() / 1000);
  const expiresDays = positiveInt(values['expires-days'], '--expires-days');
  const out = path.resolve(values.out ?? 'advisories.json');
  fs.writeFileSync(out, signAdvisoryFeed(records, key, { version, ...(expiresDays ? { expiresDays } : {}) }));
  ctx.stdout(`signed ${records.length} advisories → ${out} (feed version ${version}, key ${key.fingerprint})\n`);
  return EXIT_OK;
};

export const advisoriesCommand: Command = async (argv, ctx) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: ADVISORIES_OPTIONS,
  });
  if (positionals[0] === 'sign') return signCommand(positionals.slice(1), values, ctx);
  if (positionals.length) throw new CliError('advisories takes no arguments (or: advisories sign <records.json>)');
  const dataDir = dataDirOf(values);
  const loaded = await guard(
    () =>
      loadAdvisoryFeed(dataDir, {
        ...(values.feed ? { extraFeed: path.resolve(values.feed) } : {}),
        trustedKeys: (values['trust-feed-key'] ?? []).map((k) => readPublicKey(k)),
      }),
    true,
  );
  const scan = await guard(() => scanInstalled(dataDir, loaded.feed));
  // Audit each advisory once, when it first applies: at the first scan, or after the feed changed.
  const fresh = loaded.feed ? await guard(() => recordFindings(dataDir, scan)) : [];
  if (fresh.length) {
    const log = createAuditLog({ file: servicePaths(dataDir).audit });
    for (const f of fresh) {
      log.write({
        ext: f.id,
        kind: 'lifecycle',
        detail: `${f.version} bundles a package with an advisory: ${describeFinding(f.finding)}`,
      });
    }
  }
  const feed = loaded.feed
    ? {
        version: loaded.feed.signed.version,
        fingerprint: loaded.feed.fingerprint,
        expires: loaded.feed.signed.expires,
        records: loaded.feed.signed.records.length,
      }
    : null;
  const total = scan.reduce((n, e) => n + e.findings.length, 0);
  if (values.json) {
    ctx.stdout(
      `${JSON.stringify({
        ok: true,
        feed,
        ...(loaded.problem ? { problem: loaded.problem } : {}),
        extensions: scan.map((e) => ({
          id: e.id,
          version: e.version,
          sbom: e.sbom.status,
          ...(e.sbom.status === 'present' ? { components: e.sbom.components } : {}),
          findings: e.findings,
        })),
        findings: scan.flatMap((e) => e.findings.map((f) => ({ extension: e.id, extensionVersion: e.version, ...f }))),
      })}\n`,
    );
    return EXIT_OK;
  }
  const lines: string[] = [];
  if (feed)
    lines.push(
      `advisory feed version ${feed.version} (${feed.records} records, key ${feed.fingerprint.slice(0, 16)}…, expires ${feed.expires})${loaded.changed ? ': new, accepted' : ''}`,
    );
  if (loaded.problem) lines.push(`warning: ${loaded.problem}`);
  if (scan.length === 0) lines.push('no extensions installed');
  for (const e of scan) {
    if (e.findings.length === 0) {
      lines.push(
        `${e.id} ${e.version}: ${e.sbom.status === 'present' ? `${describeSbom(e.sbom)}, no known advisories` : describeSbom(e.sbom)}`,
      );
      continue;
    }
    for (const f of e.findings) lines.push(`${e.id} ${e.version} bundles ${describeFinding(f)}`);
  }
  if (feed)
    lines.push(
      `${total} advisor${total === 1 ? 'y' : 'ies'} in ${scan.filter((e) => e.findings.length).length} of ${scan.length} extensions`,
    );
  ctx.stdout(`${lines.join('\n')}\n`);
  return EXIT_OK;
};
