/**
 * The static gate behind `warden validate`: what the loader would refuse (always), deprecated
 * host calls (always, as warnings), and with `strict` the publisher/catalog CI rules (rules.ts).
 * It reads the extension folder and never runs any of it.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from '../../../common/manifest';
import { deprecationOf, describeDeprecation, isRemoved } from '../../../common/api-deprecations';
import { WARDEN_API_VERSION } from '../../../common/version';
import { loadExtensionFolder } from '../../supervision/extension-loader';
import { checkBundleLoads } from '../load-check';
import { parseBundle } from './ast';
import { buildScopes } from './scopes';
import { findHostCalls } from './host-calls';
import { findRemoteCode } from './remote-code';
import { findObfuscation } from './obfuscation';
import { checkCapabilities } from './capabilities';
import { finding, type GateFinding } from './rules';
import { position } from './ast';

export interface GateOptions {
  strict?: boolean;
  /** The host API version deprecations are judged against (tests); this host's by default. */
  apiVersion?: string;
}

export interface GateReport {
  /** False when any finding is an error. */
  ok: boolean;
  id?: string;
  findings: GateFinding[];
  /** What was not checked and why (e.g. JavaScript rules on a Python extension). */
  skipped: string[];
}

/** Bounds on the folder walk for native addons: a package is far smaller. */
const MAX_FILES = 20_000;
const MAX_DEPTH = 32;

async function findNativeAddons(dir: string): Promise<string[]> {
  const found: string[] = [];
  let seen = 0;
  const visit = async (rel: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || seen > MAX_FILES) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (++seen > MAX_FILES) return;
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await visit(child, depth + 1);
      else if (e.isFile() && e.name.endsWith('.node')) found.push(child);
    }
  };
  await visit('', 0);
  return found.sort();
}

/** The line of `"key":` in manifest.json, for findings about a declaration. */
function manifestLine(text: string, key: string): { line: number; column: number } {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(`"${key}"`));
  return i < 0 ? { line: 1, column: 1 } : { line: i + 1, column: lines[i]!.indexOf(`"${key}"`) + 1 };
}

/** Whether the manifest names a runtime other than JavaScript (e.g. `"runtime": "python"`). */
function nonJsRuntime(manifest: Manifest): string | undefined {
  const runtime = (manifest as { runtime?: unknown }).runtime;
  return typeof runtime === 'string' && runtime !== 'js' && runtime !== 'javascript' ? runtime : undefined;
}

export async function gateExtension(dir: string, options: GateOptions = {}): Promise<GateReport> {
  const loaded = await loadExtensionFolder(dir);
  if (!loaded.ok) {
    return {
      ok: false,
      findings: loaded.errors.map((m) => finding('WG001', m, 'manifest.json', { line: 1, column: 1 })),
      skipped: [],
    };
  }
  const { manifest, mainPath } = loaded.extension;
  const findings: GateFinding[] = [];
  const skipped: string[] = [];
  const apiVersion = options.apiVersion ?? WARDEN_API_VERSION;
  const main = manifest.main;

  if (options.strict) {
    for (const file of await findNativeAddons(dir))
      findings.push(
        finding('WG102', `${file} is a native addon, which no Warden extension can load`, file, { line: 1, column: 1 }),
      );
  }
  const runtime = nonJsRuntime(manifest);
  if (runtime) {
    skipped.push(`JavaScript bundle rules (the manifest's runtime is "${runtime}")`);
    return report(manifest.id, findings, skipped);
  }

  const source = await fs.readFile(mainPath, 'utf8');
  for (const p of checkBundleLoads(source, main))
    findings.push(finding(p.rule === 'syntax-error' ? 'WG002' : 'WG003', p.message, main, p));
  const program = parseBundle(source);
  if (!program) return report(manifest.id, findings, skipped);
  const scopes = buildScopes(program);
  const host = findHostCalls(program, scopes);

  for (const { node, name } of host.calls) {
    const d = deprecationOf(name);
    if (!d) continue;
    const removed = isRemoved(d, apiVersion);
    findings.push(
      finding('WG010', describeDeprecation(d, apiVersion), main, position(node), removed ? 'error' : 'warning'),
    );
  }
  if (!options.strict) return report(manifest.id, findings, skipped);

  for (const hit of findRemoteCode(program, scopes, host)) {
    findings.push(
      hit.kind === 'wasm'
        ? finding(
            'WG101',
            `${hit.sink} compiles bytes from ${hit.origin}: ship the WebAssembly in the package`,
            main,
            hit,
          )
        : finding(
            'WG100',
            `${hit.sink} runs data from ${hit.origin} as code: code that no review or signature covered would run`,
            main,
            hit,
          ),
    );
  }
  for (const hit of findObfuscation(program, source))
    findings.push(finding('WG110', `obfuscated code: ${hit.marker}`, main, hit));

  const manifestText = await fs.readFile(path.join(dir, 'manifest.json'), 'utf8');
  for (const hit of checkCapabilities(manifest, host)) {
    if (hit.kind === 'unused')
      findings.push(finding('WG120', hit.message, 'manifest.json', manifestLine(manifestText, hit.capability)));
    else findings.push(finding('WG121', hit.message, main, hit.at ?? { line: 1, column: 1 }));
  }
  return report(manifest.id, findings, skipped);
}

function report(id: string, findings: GateFinding[], skipped: string[]): GateReport {
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  return { ok: !findings.some((f) => f.level === 'error'), id, findings, skipped };
}
