/**
 * The admin policy file: forbids or pre-approves capabilities, paths, hosts, extensions and
 * publishers for everyone on the machine. Policy beats stored grants and user answers.
 *
 * {
 *   "version": 1,
 *   "forbid": [ { "capability": "net", "publishers": ["shady"] }, { "capability": "fs.read", "targets": ["~/.ssh/**"] } ],
 *   "allow":  [ { "capability": "fs.read", "extensions": ["acme.word-count"], "targets": ["~/Documents/**"] } ],
 *   "extensions": { "forbid": ["evil.tool"] },
 *   "limits": { "netRequestsPerMinute": 60, "hostCallsPerSecond": 500 },
 *   "sandbox": { "requireWall": "os" },
 *   "network": { "allowLocal": ["acme.intranet-*"] }
 * }
 *
 * `sandbox.requireWall` refuses to run any extension whose process would stand behind less than
 * the named second wall: "os" (Landlock/seccomp or bubblewrap), "node" (at least Node's
 * permission model) or "none" (SES alone is acceptable; the default).
 *
 * A rule applies when every field it names matches (an omitted field matches everything).
 * `limits` are ceilings on the I/O budgets: an extension gets what its manifest asks (or the
 * default), but never more than the policy allows.
 * `publishers` names a publisher or a publisher key fingerprint (lowercase hex, `*` allowed): a
 * forbid rule matches either, so it reaches signed packages too; an allow rule matches a signed
 * package only by its key (a name in a manifest is a claim anyone can sign), an unsigned folder by
 * its name. A forbid rule that names no capability and no targets forbids the extension outright
 * (install, load and run), like `extensions.forbid`.
 * A policy file that cannot be read or validated is an error, never "no policy"
 * (policy-layers.ts adds the machine-wide file the per-user one can only narrow).
 */
import fs from 'node:fs';
import semver from 'semver';
import { z } from 'zod';
import { lazySchema } from '../../common/lazy-schema';
import { behaviourSettingsSchema } from '../behaviour/settings';
import { CAPABILITIES, type Capability } from '../../common/protocol';
import { BUDGET_KEYS, MAX_LIMITS, MIN_LIMITS, type BudgetKey } from '../../common/limits';
import { WALL_LEVELS } from '../../common/wall';
import { formatIssues } from '../../common/schema-issues';
import { targetMatches } from './patterns';
import { parseStrictJson } from '../../common/strict-json';

const idGlob = lazySchema(() =>
  z
    .string()
    .min(1)
    .max(200)
    .regex(/^[a-z0-9.*-]+$/, 'expected an id or publisher, "*" allowed'),
);

const RuleSchema = lazySchema(() =>
  z.strictObject({
    capability: z.enum(CAPABILITIES).optional(),
    extensions: z.array(idGlob).max(1000).optional(),
    publishers: z.array(idGlob).max(1000).optional(),
    /** fs path patterns, net URL patterns or secret names, depending on the capability. */
    targets: z.array(z.string().min(1).max(2048)).max(1000).optional(),
    note: z.string().max(500).optional(),
  }),
);
export type PolicyRule = z.infer<typeof RuleSchema>;

const budgetCeiling = (key: BudgetKey) =>
  z
    .number()
    .int('expected a whole number')
    .min(MIN_LIMITS[key], `expected at least ${MIN_LIMITS[key]}`)
    .max(MAX_LIMITS[key], `expected at most ${MAX_LIMITS[key]} (the host maximum)`)
    .optional();

const PolicyLimitsSchema = lazySchema(() =>
  z.strictObject(
    Object.fromEntries(BUDGET_KEYS.map((k) => [k, budgetCeiling(k)])) as Record<
      BudgetKey,
      ReturnType<typeof budgetCeiling>
    >,
  ),
);
export type PolicyLimits = z.infer<typeof PolicyLimitsSchema>;

export const PolicySchema = lazySchema(() =>
  z.strictObject({
    version: z.literal(1),
    forbid: z.array(RuleSchema).max(1000).default([]),
    allow: z.array(RuleSchema).max(1000).default([]),
    extensions: z
      .strictObject({
        forbid: z.array(idGlob).max(1000).default([]),
        /** Pinned versions: id → exact version or semver range; an install or update outside it is refused. */
        pin: z
          .record(
            z.string().min(1).max(128),
            z
              .string()
              .max(200)
              .refine((r) => semver.validRange(r) !== null, 'expected a version or semver range'),
          )
          .optional(),
      })
      .default({ forbid: [] }),
    /** Staged rollout (docs/admin.md): `staged: false` takes the newest catalog version at once. */
    updates: z.strictObject({ staged: z.boolean().default(true) }).optional(),
    /** Ceilings on the I/O budgets (docs/admin.md), lower than the host's own. */
    limits: PolicyLimitsSchema.default({}),
    sandbox: z.strictObject({ requireWall: z.enum(WALL_LEVELS).default('none') }).default({ requireWall: 'none' }),
    /**
     * `allowLocal`: extension ids (globs) whose declared net patterns may reach loopback, private,
     * link-local and metadata addresses through DNS names (intranet tools); without it only a
     * pattern naming the address literal or `localhost` can.
     */
    network: z.strictObject({ allowLocal: z.array(idGlob).max(1000).default([]) }).default({ allowLocal: [] }),
    /** Behaviour baselines: learning phase, thresholds and the response per severity (docs/behaviour.md). */
    behaviour: behaviourSettingsSchema.optional(),
    /**
     * Vulnerable bundled packages (docs/publishing.md): install and update refuse a package whose
     * SBOM matches an advisory at or above this severity; below it they warn. Default: never refuse.
     */
    advisories: z
      .strictObject({ refuseAtOrAbove: z.enum(['never', 'low', 'moderate', 'high', 'critical']).default('never') })
      .optional(),
  }),
);
export type Policy = z.infer<typeof PolicySchema>;

export const EMPTY_POLICY: Policy = {
  version: 1,
  forbid: [],
  allow: [],
  extensions: { forbid: [] },
  limits: {},
  sandbox: { requireWall: 'none' },
  network: { allowLocal: [] },
};

export function parsePolicy(value: unknown): { ok: true; policy: Policy } | { ok: false; errors: string[] } {
  const r = PolicySchema.safeParse(value);
  if (r.success) return { ok: true, policy: r.data };
  return { ok: false, errors: formatIssues(r.error) };
}

/** A policy that cannot be used: fatal for whoever asked for it (the CLI exits 2). */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}

/** One parsed policy file and the top-level keys it actually wrote (merging needs to know). */
export interface PolicyLayer {
  file: string;
  policy: Policy;
  given: ReadonlySet<string>;
}

/**
 * Reads one policy file. A missing file is `undefined` (no layer) unless `mustExist` (a file the
 * user named); unreadable or invalid is always a PolicyError, never "no policy".
 */
export function readPolicyLayer(file: string, opts: { mustExist?: boolean } = {}): PolicyLayer | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !opts.mustExist) return undefined;
    throw new PolicyError(
      code === 'ENOENT' ? `policy file ${file} does not exist` : `policy file ${file} cannot be read (${code})`,
    );
  }
  let json: unknown;
  try {
    json = parseStrictJson(text);
  } catch (err) {
    throw new PolicyError(`policy file ${file} is not valid JSON (${(err as Error).message})`);
  }
  const r = parsePolicy(json);
  if (!r.ok) throw new PolicyError(`policy file ${file}: ${r.errors.join('; ')}`);
  return { file, policy: r.policy, given: new Set(Object.keys(json as object)) };
}

/** Reads a policy file; a missing file is the empty policy (unless `mustExist`), an invalid one is an error. */
export function loadPolicyFile(file: string, opts: { mustExist?: boolean } = {}): Policy {
  return readPolicyLayer(file, opts)?.policy ?? EMPTY_POLICY;
}

const idMatches = (globs: string[] | undefined, value: string) =>
  globs === undefined ||
  globs.some((g) => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value));

export interface PolicySubject {
  extensionId: string;
  /** The publisher name the manifest (signed or not) declares. */
  publisher: string;
  /** A signed package's pinned publisher key fingerprint (absent for unsigned folders). */
  fingerprint?: string;
}

/** Forbid rules match a publisher by name or key; allow rules a signed one by key only. */
function publisherMatches(globs: string[] | undefined, who: PolicySubject, effect: 'forbid' | 'allow'): boolean {
  if (globs === undefined) return true;
  if (who.fingerprint !== undefined && idMatches(globs, who.fingerprint)) return true;
  return (effect === 'forbid' || who.fingerprint === undefined) && idMatches(globs, who.publisher);
}

function subjectMatches(rule: PolicyRule, who: PolicySubject, effect: 'forbid' | 'allow'): boolean {
  return idMatches(rule.extensions, who.extensionId) && publisherMatches(rule.publishers, who, effect);
}

function ruleMatches(
  rule: PolicyRule,
  effect: 'forbid' | 'allow',
  who: PolicySubject,
  capability: Capability,
  target: string,
  home?: string,
) {
  return (
    (rule.capability === undefined || rule.capability === capability) &&
    subjectMatches(rule, who, effect) &&
    (rule.targets === undefined || rule.targets.some((t) => targetMatches(capability, t, target, home)))
  );
}

export type PolicyVerdict = 'forbid' | 'allow' | undefined;

/** Forbid wins over allow; no matching rule leaves the decision to grants and the user. */
export function policyVerdict(
  policy: Policy,
  who: PolicySubject,
  capability: Capability,
  target: string,
  home?: string,
): PolicyVerdict {
  if (policy.forbid.some((r) => ruleMatches(r, 'forbid', who, capability, target, home))) return 'forbid';
  if (policy.allow.some((r) => ruleMatches(r, 'allow', who, capability, target, home))) return 'allow';
  return undefined;
}

/**
 * Why the policy forbids the extension outright (install, load and run), or undefined: its id
 * matches `extensions.forbid`, or a forbid rule with no capability and no targets names it (by
 * id, publisher or publisher key).
 */
export function extensionForbidden(policy: Policy, who: PolicySubject): string | undefined {
  if (policy.extensions.forbid.length > 0 && idMatches(policy.extensions.forbid, who.extensionId))
    return `the administrator's policy forbids ${who.extensionId} (extensions.forbid)`;
  const rule = policy.forbid.find(
    (r) =>
      r.capability === undefined &&
      r.targets === undefined &&
      (r.extensions !== undefined || r.publishers !== undefined) &&
      subjectMatches(r, who, 'forbid'),
  );
  if (!rule) return undefined;
  return `the administrator's policy forbids ${rule.publishers ? `publisher ${who.publisher}'s extensions` : who.extensionId}${rule.note ? ` (${rule.note})` : ''}`;
}

/** Whether the policy lets the extension reach local-network addresses through DNS names. */
export function policyAllowsLocalNetwork(policy: Policy, who: PolicySubject): boolean {
  return policy.network.allowLocal.length > 0 && idMatches(policy.network.allowLocal, who.extensionId);
}

/** What the policy says about updates: staging (default on) and pinned versions (rollout.ts). */
export function updatePolicyOf(policy: Policy): { staged: boolean; pins: Record<string, string> } {
  return { staged: policy.updates?.staged ?? true, pins: { ...policy.extensions.pin } };
}
