/**
 * The security suite's harness: a canary that escape attempts aim at, a runner that turns guest
 * code into a real extension in a real sandbox process, and the checks every attempt must pass.
 *
 * The canary is a file with a random secret in a temp folder the extension is told about (its
 * absolute path is a command argument), plus a second secret in the host's own environment.
 * After every attempt the file must be byte-for-byte and mtime unchanged, nothing may have been
 * added next to it, and neither secret may appear in the result, the error or the host log.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createTestHost, ROOT, tempDir, type FixtureSpec, type TestHost } from '../helpers/sandbox';
import { WardenError } from '../../electron/common/errors';
import type { CommandResult } from '../../electron/common/command-result';
import type { SupervisorOptions } from '../../electron/core/supervision/supervisor';
import { privateDataDir } from '../../electron/core/private-data/private-data';

export const CANARY_ENV = 'WARDEN_CANARY_SECRET';

export interface Canary {
  dir: string;
  file: string;
  /** Strings that must never reach anything an extension produces or the host logs. */
  secrets: string[];
  /** Asserts the canary file and its folder are exactly as they were created. */
  expectIntact(): void;
  remove(): void;
}

export function createCanary(): Canary {
  const dir = tempDir('warden-canary-');
  const file = path.join(dir, 'canary.txt');
  const fileSecret = `canary-file-${crypto.randomUUID()}`;
  const envSecret = `canary-env-${crypto.randomUUID()}`;
  fs.writeFileSync(file, fileSecret, { mode: 0o600 });
  process.env[CANARY_ENV] = envSecret;
  const before = fs.statSync(file);
  return {
    dir,
    file,
    secrets: [fileSecret, envSecret],
    expectIntact() {
      expect(fs.readFileSync(file, 'utf8'), 'canary content').toBe(fileSecret);
      const now = fs.statSync(file);
      expect(now.mtimeMs, 'canary mtime').toBe(before.mtimeMs);
      expect(now.size, 'canary size').toBe(before.size);
      expect(now.mode, 'canary mode').toBe(before.mode);
      expect(fs.readdirSync(dir), 'nothing added next to the canary').toEqual(['canary.txt']);
    },
    remove() {
      delete process.env[CANARY_ENV];
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Host folders no error or result may name (the canary's own path was given to the guest). */
export function hostPaths(host: TestHost): string[] {
  const home = os.homedir();
  return [
    host.dataDir,
    ROOT,
    ...(home.length > 1 ? [home + path.sep] : []),
    'warden-data-',
    'warden-ext-',
    'node:internal',
    `dist${path.sep}sandbox`,
  ];
}

export interface ErrorShape {
  code: string;
  message: string;
  reason?: string;
  location?: string;
}

export interface Outcome {
  id: string;
  result?: CommandResult;
  error?: ErrorShape;
}

/** The command's error as data, or fails the test if it is not a WardenError. */
function errorShape(err: unknown): ErrorShape {
  expect(err, 'a command fails with a WardenError').toBeInstanceOf(WardenError);
  const e = err as WardenError;
  return {
    code: e.code,
    message: e.message,
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.location ? { location: e.location } : {}),
  };
}

export interface AttemptSpec extends Partial<FixtureSpec> {
  /** A full CommonJS bundle; without it, `body` runs inside the probe template. */
  source?: string;
  body?: string;
  /** Extra guest code run inside `activate`, after `run` is registered. */
  activate?: string;
  args?: Record<string, unknown>;
  command?: string;
  timeoutMs?: number;
  /** Runs in the test before the first command, e.g. to plant links in the data folder. */
  before?(ctx: { id: string; filesDir: string }): void | Promise<void>;
}

export interface SecuritySuite {
  readonly host: TestHost;
  readonly canary: Canary;
  /** Adds a new extension, runs one command with `{ canary, ...args }`, and checks the canary. */
  attempt(spec: AttemptSpec): Promise<Outcome>;
  /** `attempt` for a probe body; returns the guest's report, after asserting the command ran. */
  probe(body: string, spec?: Omit<AttemptSpec, 'body' | 'source'>): Promise<ProbeReport>;
  /** A follow-up command on an extension `attempt` added, checked the same way. */
  invoke(id: string, command: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<Outcome>;
  /** Asserts that nothing in `value` (a result, an error) carries a secret or a host path. */
  expectClean(value: unknown, what: string): void;
  filesDir(id: string): string;
}

export interface ProbeReport {
  /** Probes that reached something powerful (process, require, fs) or a canary secret. */
  leaks: string[];
  /** Per probe: `returned <json>` or `threw <Name>: <message>`. */
  outcomes: Record<string, string>;
}

/**
 * Registers the suite's hooks: one host for the file, a canary, a check of the canary and the
 * host log after every test, and cleanup.
 */
export function useSecuritySuite(options: Partial<SupervisorOptions> = {}): SecuritySuite {
  let host: TestHost | undefined;
  let canary: Canary | undefined;
  const need = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the security suite is not set up (beforeAll)');
    return v;
  };

  beforeAll(() => {
    canary = createCanary();
    host = createTestHost(options);
  });
  const expectLogClean = () => {
    const log = JSON.stringify(need(host).logs.entries);
    for (const s of need(canary).secrets) expect(log.includes(s), 'a canary secret in the host log').toBe(false);
  };
  afterEach(async () => {
    need(canary).expectIntact();
    expectLogClean();
    await need(host).supervisor.stopAll();
  });
  afterAll(async () => {
    await host?.close();
    canary?.remove();
  });

  const suite: SecuritySuite = {
    get host() {
      return need(host);
    },
    get canary() {
      return need(canary);
    },
    filesDir(id) {
      return path.join(privateDataDir(need(host).dataDir, id), 'files');
    },
    expectClean(value, what) {
      const text = JSON.stringify(value) ?? '';
      for (const s of need(canary).secrets) expect(text.includes(s), `a canary secret in ${what}`).toBe(false);
      for (const p of hostPaths(need(host))) {
        expect(text.includes(p.replaceAll('\\', '\\\\')), `${what} names a host path (${p}): ${text}`).toBe(false);
      }
    },
    async invoke(id, command, args = {}, timeoutMs) {
      const outcome: Outcome = { id };
      try {
        outcome.result = await need(host).supervisor.invoke(
          id,
          command,
          { canary: need(canary).file, ...args },
          timeoutMs ? { timeoutMs } : {},
        );
      } catch (err) {
        outcome.error = errorShape(err);
      }
      need(canary).expectIntact();
      suite.expectClean(outcome.result, 'the result');
      suite.expectClean(outcome.error, 'the error');
      expectLogClean();
      return outcome;
    },
    async attempt(spec) {
      const source = spec.source ?? probeBundle(spec.body ?? '', spec.activate ?? '');
      const id = await need(host).add({ id: spec.id, manifest: spec.manifest, commands: spec.commands, source });
      if (spec.before) {
        const filesDir = suite.filesDir(id);
        fs.mkdirSync(filesDir, { recursive: true });
        await spec.before({ id, filesDir });
      }
      return suite.invoke(id, spec.command ?? 'run', spec.args, spec.timeoutMs);
    },
    async probe(body, spec = {}) {
      const outcome = await suite.attempt({ ...spec, body });
      expect(outcome.error, 'the probe command itself must complete').toBeUndefined();
      return reportOf(outcome);
    },
  };
  return suite;
}

/** The value of a `{ type: 'json' }` result, typed as the test expects it. */
export function jsonValue<T>(outcome: Pick<Outcome, 'result'>): T {
  const result = outcome.result;
  if (result?.type !== 'json') throw new Error(`expected a json result, got ${JSON.stringify(outcome)}`);
  return result.value as unknown as T;
}

/** The probe report inside a `{ type: 'json' }` result. */
export function reportOf(outcome: Outcome): ProbeReport {
  const value = jsonValue<ProbeReport>(outcome);
  return { leaks: [...value.leaks], outcomes: { ...value.outcomes } };
}

/** Probe outcomes whose text does not match `pattern` (expected to be `[]`). */
export function outcomesNotMatching(report: ProbeReport, pattern: RegExp): string[] {
  return Object.entries(report.outcomes)
    .filter(([, text]) => !pattern.test(text))
    .map(([name, text]) => `${name}: ${text}`);
}

/**
 * What an attacker runs once it holds a real Function constructor (the body of
 * `function (canary) {…}`): with Node's authority it returns the environment and the canary's
 * content and overwrites the canary, so an escape also trips every canary check; confined, it
 * returns "confined". harness.test.ts runs it with real authority to prove the checks notice.
 */
export const PAYLOAD = [
  'const g = (function () { return this; })() || globalThis;',
  "const p = typeof process === 'object' && process ? process : g && g.process;",
  "if (!p) return 'confined';",
  "let out = 'ESCAPED env=' + JSON.stringify(p.env);",
  "try { const fs = p.mainModule.require('fs'); out += ' canary=' + fs.readFileSync(canary, 'utf8');",
  " fs.writeFileSync(canary, 'pwned'); } catch (e) { out += ' (' + e + ')'; }",
  'return out;',
].join('\n');

/**
 * Guest-side helpers, evaluated at the bundle's top level inside the compartment.
 *
 * `probe(name, fn)` records what `fn` returned or threw; a value that exposes Node (`process`,
 * `require`, `fs`) or a string starting with ESCAPED counts as a leak. `viaFunction(F)` is what
 * an attacker does with a Function constructor it reached: build a function from source and
 * run PAYLOAD, which with real authority would read the environment and the canary file and
 * overwrite it (so an escape also trips the canary checks), and otherwise returns "confined".
 */
export const GUEST_PRELUDE = String.raw`
const __topThis = this;
const __topArguments = arguments;
let CANARY;
let __registration;
const __report = { leaks: [], outcomes: {} };
const PAYLOAD = ${JSON.stringify(PAYLOAD)};
function __powerful(v) {
  if (typeof v === 'string') return v.indexOf('ESCAPED') === 0;
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return false;
  try {
    return typeof v.pid === 'number' || typeof v.mainModule === 'object' || typeof v.readFileSync === 'function' ||
      typeof v.binding === 'function' || (typeof v.process === 'object' && v.process !== null) ||
      typeof v.require === 'function';
  } catch (e) {
    return false;
  }
}
function __describe(v) {
  try {
    if (typeof v === 'function') return 'returned function';
    const text = JSON.stringify(v);
    return 'returned ' + (text === undefined ? String(v) : text.slice(0, 20000));
  } catch (e) {
    return 'returned ' + typeof v;
  }
}
async function probe(name, fn) {
  try {
    const v = await fn();
    __report.outcomes[name] = __describe(v);
    if (__powerful(v)) __report.leaks.push(name);
  } catch (e) {
    let text;
    try { text = 'threw ' + (e && e.name) + ': ' + (e && e.message); } catch (x) { text = 'threw (unreadable)'; }
    __report.outcomes[name] = text;
  }
}
function viaFunction(F) {
  return F('canary', PAYLOAD)(CANARY);
}
function viaSource(evaluate) {
  return evaluate('(function (canary) {' + PAYLOAD + '})')(CANARY);
}
async function rejection(promise) {
  try {
    await promise;
    return 'resolved';
  } catch (e) {
    return e;
  }
}
`;

/** A bundle whose `run` command executes `body` after the prelude and returns the report. */
export function probeBundle(body: string, activate = ''): string {
  return `${GUEST_PRELUDE}
exports.activate = () => {
  __registration = host.commands.register('run', async (args, call) => {
    CANARY = args.canary;
${body}
    return { type: 'json', value: __report };
  });
${activate}
};
`;
}
