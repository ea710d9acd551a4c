/**
 * The security brief shown before an install or update (CLI and panel consent screen): who
 * publishes it, what it may do in plain words, its limits, what it bundles, and a risk level
 * derived by the rule in docs/security-brief.md (electron/core/trust/risk.ts). Crosses the bridge:
 * the host builds it, the renderer validates it and shows it.
 */
import { z } from 'zod';
import { CAPABILITIES } from './protocol';

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const ADVISORY_SEVERITIES = ['low', 'moderate', 'high', 'critical', 'unknown'] as const;
export type AdvisorySeverity = (typeof ADVISORY_SEVERITIES)[number];

const text = (max = 500) => z.string().max(max);

/** One declared capability: the pattern as written, and what it lets the extension do, in words. */
export const BriefCapabilitySchema = z.strictObject({
  capability: z.enum(CAPABILITIES),
  /** The pattern or secret name as declared (absent for notifications). */
  pattern: text(2048).optional(),
  words: text(),
});
export type BriefCapability = z.infer<typeof BriefCapabilitySchema>;

export const BriefComponentSchema = z.strictObject({
  name: text(214),
  version: text(64),
  licence: text(100).optional(),
});
export type BriefComponent = z.infer<typeof BriefComponentSchema>;

export const BriefAdvisorySchema = z.strictObject({
  id: text(100),
  package: text(214),
  severity: z.enum(ADVISORY_SEVERITIES),
  fixed: text(64).optional(),
  summary: text().optional(),
});
export type BriefAdvisory = z.infer<typeof BriefAdvisorySchema>;

/** One fact that set the risk level, naming the rule (H1…, M1…, L1) of docs/security-brief.md. */
export const RiskReasonSchema = z.strictObject({
  rule: z.string().regex(/^[HML]\d{1,2}$/),
  level: z.enum(RISK_LEVELS),
  words: text(),
});
export type RiskReason = z.infer<typeof RiskReasonSchema>;

export const SecurityBriefSchema = z.strictObject({
  kind: z.enum(['install', 'update']),
  id: text(128),
  name: text(200),
  version: text(64),
  /** The version installed now (an update). */
  from: text(64).optional(),
  publisher: text(64),
  /** A signed package, or an unsigned developer copy (a folder). */
  signed: z.boolean(),
  /** SHA-256 of the package file the brief describes: the install is refused if the file changed. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** The signing key (signed packages only) and how it relates to the key pinned for this id. */
  key: z
    .strictObject({
      fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
      /** `new`: never seen for this id (it will be pinned); `pinned`: the pinned key; `changed`: another key is pinned. */
      status: z.enum(['new', 'pinned', 'changed']),
      pinnedAt: z.number().optional(),
      pinnedFingerprint: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional(),
    })
    .optional(),
  capabilities: z.array(BriefCapabilitySchema).max(500),
  /** An update: what its permissions add and remove compared with the installed version. */
  changes: z
    .strictObject({ added: z.array(BriefCapabilitySchema).max(500), removed: z.array(BriefCapabilitySchema).max(500) })
    .optional(),
  /** Its resource limits in words ("memory up to 128 MB"). */
  limits: z.array(text()).max(20),
  /** Bundled packages; absent when the package says nothing about them (no SBOM). */
  components: z.array(BriefComponentSchema).max(5000).optional(),
  advisories: z.array(BriefAdvisorySchema).max(1000),
  risk: z.strictObject({ level: z.enum(RISK_LEVELS), reasons: z.array(RiskReasonSchema).max(100) }),
});
export type SecurityBrief = z.infer<typeof SecurityBriefSchema>;
