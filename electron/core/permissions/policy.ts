/**
 * The admin policy file: forbids or pre-approves capabilities, paths, hosts, extensions and
 * publishers for everyone on the machine. Policy beats stored grants and user answers.
 *
 * {
 *   "version": 1,
 *   "forbid": [ { "capability": "net", "publishers": ["shady"] }, { "capability": "fs.read", "targets": ["~/.ssh/**"] } ],
 *   "allow":  [ { "capability": "fs.read", "extensions": ["acme.word-count"], "targets": ["~/Documents/**"] } ],
 *   "extensions": { "forbid": ["evil.tool"] }
 * }
 *
 * A rule applies when every field it names matches (an omitted field matches everything).
 * A policy file that cannot be read or validated is an error, never "no policy".
 */
import fs from 'node:fs';
import { z } from 'zod';
import { behaviourSettingsSchema } from '../behaviour/settings';
import { CAPABILITIES, type Capability } from '../../common/protocol';
import { formatIssues } from '../../common/schema-issues';
import { targetMatches } from './patterns';

const idGlob = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[a-z0-9.*-]+$/, 'expected an id or publisher, "*" allowed');

const RuleSchema = z.strictObject({
  capability: z.enum(CAPABILITIES).optional(),
  extensions: z.array(idGlob).max(1000).optional(),
  publishers: z.array(idGlob).max(1000).optional(),
  /** fs path patterns, net URL patterns or secret names, depending on the capability. */
  targets: z.array(z.string().min(1).max(2048)).max(1000).optional(),
  note: z.string().max(500).optional(),
});
export type PolicyRule = z.infer<typeof RuleSchema>;

export const PolicySchema = z.strictObject({
  version: z.literal(1),
  forbid: z.array(RuleSchema).max(1000).default([]),
  allow: z.array(RuleSchema).max(1000).default([]),
  extensions: z.strictObject({ forbid: z.array(idGlob).max(1000).default([]) }).default({ forbid: [] }),
  /** Behaviour baselines: learning phase, thresholds and the response per severity (docs/behaviour.md). */
  behaviour: behaviourSettingsSchema.optional(),
});
export type Policy = z.infer<typeof PolicySchema>;

export const EMPTY_POLICY: Policy = { version: 1, forbid: [], allow: [], extensions: { forbid: [] } };

export function parsePolicy(value: unknown): { ok: true; policy: Policy } | { ok: false; errors: string[] } {
  const r = PolicySchema.safeParse(value);
  if (r.success) return { ok: true, policy: r.data };
  return { ok: false, errors: formatIssues(r.error) };
}

/** Reads a policy file; a missing file is the empty policy, an invalid one is an error. */
export function loadPolicyFile(file: string): Policy {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_POLICY;
    throw new Error(`policy file ${file} cannot be read`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`policy file ${file} is not valid JSON`);
  }
  const r = parsePolicy(json);
  if (!r.ok) throw new Error(`policy file ${file}: ${r.errors.join('; ')}`);
  return r.policy;
}

const idMatches = (globs: string[] | undefined, value: string) =>
  globs === undefined ||
  globs.some((g) => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value));

export interface PolicySubject {
  extensionId: string;
  publisher: string;
}

function ruleMatches(rule: PolicyRule, who: PolicySubject, capability: Capability, target: string, home?: string) {
  return (
    (rule.capability === undefined || rule.capability === capability) &&
    idMatches(rule.extensions, who.extensionId) &&
    idMatches(rule.publishers, who.publisher) &&
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
  if (policy.forbid.some((r) => ruleMatches(r, who, capability, target, home))) return 'forbid';
  if (policy.allow.some((r) => ruleMatches(r, who, capability, target, home))) return 'allow';
  return undefined;
}

/** Whether the policy forbids running the extension at all. */
export function extensionForbidden(policy: Policy, who: PolicySubject): boolean {
  return policy.extensions.forbid.length > 0 && idMatches(policy.extensions.forbid, who.extensionId);
}
