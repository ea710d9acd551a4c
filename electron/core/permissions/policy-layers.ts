/**
 * The policy in force = the machine-wide file (written by an administrator, in a folder an
 * ordinary user cannot write) narrowed by the per-user file (`<data-dir>/policy.json`, or the
 * file `--policy` names). The per-user file can only narrow, never widen. The merge, key by key:
 *
 *   forbid, extensions.forbid   union: what either layer forbids stays forbidden
 *   allow                       intersection: a pre-approval holds only if every layer that
 *                               writes an `allow` list holds the same rule (a layer without an
 *                               `allow` key has no say; `"allow": []` in the machine file means
 *                               "no pre-approvals" and the user file cannot add any)
 *   numeric ceilings            minimum (undefined = no ceiling)
 *   booleans                    the most restrictive value
 *
 * Forbid beats allow inside one policy (policy.ts), so a user `allow` can never lift a machine
 * `forbid` either. Every candidate machine location is a layer of its own (Windows: both
 * %ProgramData% and C:\ProgramData, since the variable is the user's to change), and the test
 * hook WARDEN_MACHINE_POLICY only ADDS a layer: nothing a user controls can remove or widen one.
 */
import path from 'node:path';
import { WALL_LEVELS } from '../../common/wall';
import { EMPTY_POLICY, readPolicyLayer, type Policy, type PolicyLayer, type PolicyRule } from './policy';

/** Names an extra machine-level policy file (tests, managed deployments); it can only narrow. */
export const MACHINE_POLICY_ENV = 'WARDEN_MACHINE_POLICY';

/** Where the machine-wide policy lives on this platform (every candidate, most official first). */
export function machinePolicyPaths(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (platform === 'win32') {
    const fixed = path.win32.join('C:\\ProgramData', 'Warden', 'policy.json');
    const fromEnv = env.ProgramData ? path.win32.join(env.ProgramData, 'Warden', 'policy.json') : undefined;
    return [...new Set([fromEnv ?? fixed, fixed])];
  }
  if (platform === 'darwin') return ['/Library/Application Support/Warden/policy.json'];
  return ['/etc/warden/policy.json'];
}

type Merge<T> = (a: T, b: T, aGiven: boolean, bGiven: boolean) => T;

/** A rule's identity for set operations: its fields in a fixed order, lists sorted, `note` ignored. */
const ruleKey = (r: PolicyRule) =>
  JSON.stringify([
    r.capability ?? null,
    ...[r.extensions, r.publishers, r.targets].map((l) => (l ? [...l].sort() : null)),
  ]);

/** Lists of rules or patterns: everything either layer lists (duplicates once). */
export function unionOf<T>(key: (v: T) => string): Merge<T[]> {
  return (a, b) => {
    const seen = new Set<string>();
    const out: T[] = [];
    for (const v of [...a, ...b]) {
      if (seen.has(key(v))) continue;
      seen.add(key(v));
      out.push(v);
    }
    return out;
  };
}

/** Only what every layer that has a say lists. */
export function intersectionOf<T>(key: (v: T) => string): Merge<T[]> {
  return (a, b, aGiven, bGiven) => {
    if (!bGiven) return a;
    if (!aGiven) return b;
    const inB = new Set(b.map(key));
    return a.filter((v) => inB.has(key(v)));
  };
}

/** A ceiling (limit, budget): the lower one; undefined means "no ceiling". */
export const ceiling: Merge<number | undefined> = (a, b) =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b);

/** A boolean: the restrictive value wins if either layer sets it. */
export const mostRestrictive =
  (restrictive: boolean): Merge<boolean> =>
  (a, b) =>
    a === restrictive || b === restrictive ? restrictive : a;

/**
 * One rule per top-level key: the type makes a key added to PolicySchema without a merge rule a
 * compile error (a key nobody merges would silently take the user's value, a widening).
 */
const MERGE: { [K in keyof Policy]-?: Merge<Policy[K]> } = {
  version: (a) => a,
  forbid: unionOf(ruleKey),
  allow: intersectionOf(ruleKey),
  // Pins: the machine layer's pin of an id wins; the user may pin ids the machine leaves free.
  extensions: (a, b) => {
    const pin = a.pin || b.pin ? { ...b.pin, ...a.pin } : undefined;
    return { ...a, forbid: unionOf((s: string) => s)(a.forbid, b.forbid, true, true), ...(pin ? { pin } : {}) };
  },
  // Update staging is the administrator's choice: the outer layer's, when it says.
  updates: (a, b, aGiven) => (aGiven ? a : b),
  limits: (a, b) => {
    const out: Policy['limits'] = {};
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof Policy['limits']>) {
      const v = ceiling(a[k], b[k], true, true);
      if (v !== undefined) out[k] = v;
    }
    return out;
  },
  // The stronger required wall of the two.
  sandbox: (a, b) => ({
    requireWall:
      WALL_LEVELS.indexOf(a.requireWall) <= WALL_LEVELS.indexOf(b.requireWall) ? a.requireWall : b.requireWall,
  }),
  // Reaching the local network by name is a widening: only what every layer that says lists.
  // Behaviour baselines are an administrator's setting: the machine layer's, when it has one.
  behaviour: (a, b, aGiven) => (aGiven ? a : b),
  // The lower refusal threshold of the two: refusing more is narrowing.
  advisories: (a, b) => {
    const order = ['low', 'moderate', 'high', 'critical', 'never'] as const;
    const t = [a?.refuseAtOrAbove ?? 'never', b?.refuseAtOrAbove ?? 'never'];
    return a || b ? { refuseAtOrAbove: order[Math.min(...t.map((x) => order.indexOf(x)))]! } : undefined;
  },
  network: (a, b, aGiven, bGiven) => ({
    allowLocal: intersectionOf((s: string) => s)(a.allowLocal, b.allowLocal, aGiven, bGiven),
  }),
};

/** `outer` narrowed by `inner`: the result is never wider than `outer` (see the table above). */
export function mergePolicyLayers(outer: PolicyLayer, inner: PolicyLayer): PolicyLayer {
  const merged = {} as Record<string, unknown>;
  for (const key of Object.keys(MERGE) as (keyof Policy)[]) {
    const merge = MERGE[key] as Merge<unknown>;
    merged[key] = merge(outer.policy[key], inner.policy[key], outer.given.has(key), inner.given.has(key));
  }
  return {
    file: `${outer.file} + ${inner.file}`,
    policy: merged as Policy,
    given: new Set([...outer.given, ...inner.given]),
  };
}

export interface EffectivePolicy {
  policy: Policy;
  /** The files that contributed, machine layers first. */
  files: string[];
}

export interface EffectivePolicyOptions {
  /** The per-user file: `--policy <file>` or `<data-dir>/policy.json`. */
  userFile: string;
  /** The user named it (`--policy`): then it must exist. */
  userExplicit?: boolean;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/** Reads every layer; any layer that exists but cannot be used is a PolicyError (fatal). */
export function loadEffectivePolicy(o: EffectivePolicyOptions): EffectivePolicy {
  const env = o.env ?? process.env;
  const layers: PolicyLayer[] = [];
  for (const file of machinePolicyPaths(o.platform, env)) {
    const layer = readPolicyLayer(file);
    if (layer) layers.push(layer);
  }
  const extra = env[MACHINE_POLICY_ENV];
  if (extra) layers.push(readPolicyLayer(path.resolve(extra), { mustExist: true })!);
  const user = readPolicyLayer(o.userFile, { mustExist: o.userExplicit === true });
  if (user) layers.push(user);
  if (layers.length === 0) return { policy: EMPTY_POLICY, files: [] };
  const merged = layers.slice(1).reduce(mergePolicyLayers, layers[0]!);
  return { policy: merged.policy, files: layers.map((l) => l.file) };
}
