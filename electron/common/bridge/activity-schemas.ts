/** What the panel shows of what extensions did: audit records, behaviour findings and incidents (schemas.ts re-exports them). */
import { z } from 'zod';

export const AuditRecordSchema = z
  .object({
    time: z.number(),
    ext: z.string(),
    kind: z.enum(['decision', 'operation', 'violation', 'lifecycle', 'anomaly', 'command', 'deprecated-call']),
    capability: z.string().optional(),
    target: z.string().optional(),
    decision: z.enum(['allow', 'deny']).optional(),
    reason: z.string().optional(),
    via: z.string().optional(),
    method: z.string().optional(),
    bytes: z.number().optional(),
    durationMs: z.number().optional(),
    detail: z.string().optional(),
    /** The extension's version (command records). */
    version: z.string().optional(),
  })
  .strip();
export type AuditRecordData = z.infer<typeof AuditRecordSchema>;

/** A behaviour finding (electron/core/behaviour): one explainable deviation from an extension's baseline. */
export const FindingSchema = z.strictObject({
  id: z.string().max(64),
  t: z.number(),
  ext: z.string().max(128),
  version: z.string().max(64),
  rule: z.string().max(32),
  severity: z.enum(['low', 'medium', 'high']),
  response: z.string().max(64),
  capability: z.string().max(64).optional(),
  target: z.string().max(2048).optional(),
  observed: z.number().optional(),
  baseline: z.number().optional(),
  ratio: z.number().optional(),
  afterUpdate: z.boolean(),
  hoursSinceUpdate: z.number().optional(),
  rollbackTo: z.string().max(64).optional(),
  why: z.string().max(1000),
  state: z.enum(['open', 'accepted']),
});
export type FindingData = z.infer<typeof FindingSchema>;

const usage = z.strictObject({ calls: z.number(), bytes: z.number() });
/** What the extension did around a finding (the core's incident, as `warden anomalies incident` exports it). */
export const IncidentSchema = z.strictObject({
  finding: FindingSchema,
  from: z.number(),
  to: z.number(),
  timeline: z.array(AuditRecordSchema).max(2000),
  summary: z.strictObject({
    commands: z.array(z.string()),
    versions: z.array(z.string()),
    destinations: z.array(usage.extend({ host: z.string() })),
    paths: z.array(usage.extend({ path: z.string() })),
    denied: z.number(),
    totalBytes: z.number(),
  }),
  /** The same incident as a Markdown report. */
  markdown: z.string(),
});
export type IncidentData = z.infer<typeof IncidentSchema>;
