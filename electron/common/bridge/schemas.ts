/**
 * The renderer ⇄ host contract (served by electron/core/app/app-host.ts): every method's parameters and result, and every event,
 * as zod schemas. The host validates parameters it receives (ipcMain / WebSocket); the renderer
 * validates results and events it receives. Types are derived from the schemas.
 */
import { z } from 'zod';
import { ErrorDataSchema } from '../error-schema';
import { DataValueSchema } from '../data-value-schema';
import { CommandResultSchema } from '../command-result';
import { CAPABILITIES } from '../protocol';
import { SecurityBriefSchema } from '../security-brief';
import { AuditRecordSchema, FindingSchema, IncidentSchema } from './activity-schemas';

export * from './activity-schemas';

export const ResultOf = <T extends z.ZodType>(value: T) =>
  z.union([
    z.strictObject({ ok: z.literal(true), value }),
    z.strictObject({ ok: z.literal(false), error: ErrorDataSchema }),
  ]);

const id = z.string().min(1).max(128);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const ParamSpecSchema = z.strictObject({
  type: z.enum(['string', 'number', 'boolean', 'enum', 'path']),
  title: z.string().optional(),
  description: z.string().optional(),
  required: z.boolean().optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  multiline: z.boolean().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  integer: z.boolean().optional(),
  values: z.array(z.string()).optional(),
  kind: z.enum(['file', 'directory']).optional(),
});
export type ParamSpec = z.infer<typeof ParamSpecSchema>;

export const CommandInfoSchema = z.strictObject({
  id,
  title: z.string(),
  description: z.string().optional(),
  params: z.record(z.string(), ParamSpecSchema),
});
export type CommandInfo = z.infer<typeof CommandInfoSchema>;

export const EXTENSION_STATES = [
  'idle',
  'starting',
  'running',
  'stopping',
  'crashed',
  'failed',
  'quarantined',
  'disabled',
] as const;

export const ExtensionSummarySchema = z.strictObject({
  id,
  name: z.string(),
  version: z.string(),
  publisher: z.string(),
  description: z.string().optional(),
  state: z.enum(EXTENSION_STATES),
  enabled: z.boolean(),
  unsigned: z.boolean(),
  /** Who signed the installed package: the publisher its key is pinned to, and the key's fingerprint. */
  signer: z.strictObject({ publisher: z.string().max(200), fingerprint: z.string().max(100) }).optional(),
  /** Why a blocklisted version may not run. */
  blocked: z.string().optional(),
  /** A newer version in the catalog. */
  updateAvailable: z.string().optional(),
  /** A newer catalog version held back from this installation (staged rollout or an admin pin), and why. */
  staged: z.string().max(300).optional(),
  /** An update waiting for the user to approve wider permissions. */
  pendingUpdate: z.strictObject({ version: z.string(), addedPermissions: z.array(z.string()) }).optional(),
  /** Versions kept locally that rollback can return to. */
  rollbackTo: z.string().optional(),
  quarantine: z.strictObject({ reason: z.string(), since: z.number() }).optional(),
  lastExit: z.strictObject({ reason: z.string(), at: z.number(), expected: z.boolean() }).optional(),
  strikes: z.number().int(),
  commands: z.array(CommandInfoSchema),
  /** Declared permissions, one readable line each ("fs.read ~/Documents/**"). */
  permissions: z.array(z.string()),
  /** What confines its process: "SES + Landlock/seccomp", "SES + bubblewrap", "SES + Node permissions", "SES only". */
  walls: z.string().max(100).optional(),
  /** The npm packages bundled in it, from its signed SBOM (`absent`: built without one). */
  bundled: z
    .strictObject({
      status: z.enum(['present', 'absent', 'invalid']),
      packages: z
        .array(
          z.strictObject({
            name: z.string().max(214),
            version: z.string().max(256),
            licenses: z.array(z.string().max(1000)).max(50),
          }),
        )
        .max(2000),
    })
    .optional(),
  /** Advisories of the trusted feed matching its bundled packages, with the fixed version when known. */
  advisories: z
    .array(
      z.strictObject({
        id: z.string().max(100),
        aliases: z.array(z.string().max(100)).max(100),
        summary: z.string().max(1000),
        severity: z.enum(['unknown', 'low', 'moderate', 'high', 'critical']),
        package: z.string().max(214),
        version: z.string().max(256),
        fixed: z.string().max(256).optional(),
      }),
    )
    .max(200)
    .optional(),
  /** Deprecated host calls it has made (common/api-deprecations.ts): they work until `removedIn`. */
  deprecatedCalls: z
    .array(
      z.strictObject({
        call: z.string().max(100),
        removedIn: z.string().max(32),
        replacement: z.string().max(100).optional(),
        removed: z.boolean(),
        message: z.string().max(500),
      }),
    )
    .max(50)
    .optional(),
  /** The limits the host enforces: CPU budget (% of one core) and memory above the process's start size (MB). */
  limits: z.strictObject({ cpuPercent: z.number(), memoryMb: z.number() }).optional(),
  /** Kills and violation batches within the strike window, newest last (the Resources charts mark them). */
  recentStrikes: z
    .array(z.strictObject({ at: z.number(), reason: z.string().max(500) }))
    .max(20)
    .optional(),
});
export type ExtensionSummary = z.infer<typeof ExtensionSummarySchema>;

export const MetricSampleSchema = z.strictObject({
  time: z.number(),
  state: z.string(),
  cpuPercent: z.number(),
  rssBytes: z.number(),
  heapUsed: z.number(),
  callsPerSecond: z.number(),
  hostCallsPerSecond: z.number(),
  fsBytes: z.number(),
  netBytes: z.number(),
  denials: z.number(),
  prompts: z.number(),
  strikes: z.number(),
  sampled: z.boolean(),
  /** Held to its CPU budget right now (stop/continue duty cycle). */
  throttled: z.boolean().optional(),
  /** The resident size at which it is killed: its start size plus `limits.memoryMb` (once the start size is known). */
  memoryLimitBytes: z.number().optional(),
});
export type MetricSampleData = z.infer<typeof MetricSampleSchema>;

export const PromptSchema = z.strictObject({
  promptId: z.string(),
  extensionId: z.string(),
  extensionName: z.string(),
  publisher: z.string(),
  capability: z.enum(CAPABILITIES),
  target: z.string(),
  declaredScope: z.array(z.string()),
  scopes: z.strictObject({ item: z.string(), parent: z.string(), declared: z.string() }),
  reason: z.string().optional(),
  /** When the prompt times out (ms since epoch): no answer by then means deny. */
  expiresAt: z.number(),
});
export type PromptData = z.infer<typeof PromptSchema>;

export const PromptAnswerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('allow-once') }),
  z.strictObject({ kind: z.literal('allow-always'), scope: z.enum(['item', 'parent', 'declared']) }),
  z.strictObject({ kind: z.literal('deny') }),
  z.strictObject({ kind: z.literal('deny-always') }),
]);

export const GrantSchema = z.strictObject({
  id: z.string(),
  extensionId: z.string(),
  capability: z.enum(CAPABILITIES),
  effect: z.enum(['allow', 'deny']),
  scope: z.string(),
  picked: z.boolean(),
  createdAt: z.number(),
});
export type GrantData = z.infer<typeof GrantSchema>;

export const CatalogEntrySchema = z.strictObject({
  id: z.string(),
  name: z.string().optional(),
  version: z.string(),
  publisher: z.string(),
  description: z.string().optional(),
  installed: z.string().optional(),
  blocked: z.boolean(),
  /** This version is held back from this installation (staged rollout or an admin pin), and why. */
  staged: z.string().max(300).optional(),
});
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

export const AppInfoSchema = z.strictObject({
  version: z.string(),
  apiVersion: z.string(),
  mode: z.enum(['electron', 'headless']),
  /** Shown so the user knows why there is no desktop window (headless mode). */
  note: z.string().optional(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

/** Every method: its parameter schema and its result value schema. */
export const BRIDGE_METHODS = {
  'app.info': { params: z.strictObject({}), result: AppInfoSchema },
  'app.openExternal': {
    params: z.strictObject({ url: z.string().max(4096) }),
    result: z.strictObject({ opened: z.boolean() }),
  },
  'extensions.list': { params: z.strictObject({}), result: z.array(ExtensionSummarySchema) },
  /** The security brief of what `extensions.install` / `extensions.update` would install; installs nothing. */
  'extensions.brief': {
    params: z.union([
      z.strictObject({ source: z.literal('file'), path: z.string().min(1).max(4096) }),
      z.strictObject({ source: z.literal('catalog'), id }),
      z.strictObject({ source: z.literal('folder'), path: z.string().min(1).max(4096) }),
      z.strictObject({ source: z.literal('update'), id, path: z.string().max(4096).optional() }),
    ]),
    result: SecurityBriefSchema,
  },
  'extensions.install': {
    /** `expectSha256`: the package the user reviewed (extensions.brief); another is refused. */
    params: z.union([
      z.strictObject({ source: z.literal('file'), path: z.string().min(1).max(4096), expectSha256: sha256.optional() }),
      z.strictObject({ source: z.literal('catalog'), id, expectSha256: sha256.optional() }),
      z.strictObject({ source: z.literal('folder'), path: z.string().min(1).max(4096) }),
    ]),
    result: z.strictObject({ id, version: z.string(), pendingApproval: z.array(z.string()).optional() }),
  },
  'extensions.uninstall': { params: z.strictObject({ id }), result: z.strictObject({}) },
  'extensions.setEnabled': { params: z.strictObject({ id, enabled: z.boolean() }), result: z.strictObject({}) },
  'extensions.update': {
    /** `approve`: the user saw the added permissions (extensions.brief) and allows them now. */
    params: z.strictObject({
      id,
      path: z.string().max(4096).optional(),
      expectSha256: sha256.optional(),
      approve: z.boolean().optional(),
    }),
    result: z.strictObject({ version: z.string(), pendingApproval: z.array(z.string()).optional() }),
  },
  'extensions.approveUpdate': { params: z.strictObject({ id }), result: z.strictObject({ version: z.string() }) },
  'extensions.rollback': { params: z.strictObject({ id }), result: z.strictObject({ version: z.string() }) },
  'extensions.release': { params: z.strictObject({ id }), result: z.strictObject({}) },
  'extensions.stop': { params: z.strictObject({ id }), result: z.strictObject({}) },
  'extensions.restart': { params: z.strictObject({ id }), result: z.strictObject({}) },
  'commands.run': {
    params: z.strictObject({ runId: z.string().min(1).max(64), extensionId: id, commandId: id, args: DataValueSchema }),
    result: z.strictObject({ result: CommandResultSchema, durationMs: z.number() }),
  },
  'commands.cancel': { params: z.strictObject({ runId: z.string().min(1).max(64) }), result: z.strictObject({}) },
  'prompts.pending': { params: z.strictObject({}), result: z.array(PromptSchema) },
  'prompts.answer': {
    params: z.strictObject({ promptId: z.string(), answer: PromptAnswerSchema }),
    result: z.strictObject({}),
  },
  'resources.snapshot': {
    /** `sinceMs`: how far back, in milliseconds (default 10 minutes). */
    params: z.strictObject({
      sinceMs: z
        .number()
        .min(0)
        .max(24 * 3_600_000)
        .optional(),
    }),
    result: z.array(z.strictObject({ extensionId: id, history: z.array(MetricSampleSchema) })),
  },
  'permissions.grants': { params: z.strictObject({ extensionId: id.optional() }), result: z.array(GrantSchema) },
  'permissions.revoke': { params: z.strictObject({ grantId: z.string() }), result: z.strictObject({}) },
  'permissions.policy': { params: z.strictObject({}), result: z.strictObject({ text: z.string(), rules: z.number() }) },
  'activity.query': {
    params: z.strictObject({
      extensionId: id.optional(),
      capability: z.string().max(32).optional(),
      decision: z.enum(['allow', 'deny']).optional(),
      limit: z.number().int().min(1).max(5000).optional(),
    }),
    result: z.array(AuditRecordSchema),
  },
  'anomalies.list': {
    params: z.strictObject({ extensionId: id.optional(), all: z.boolean().optional() }),
    result: z.strictObject({ enabled: z.boolean(), findings: z.array(FindingSchema).max(1000) }),
  },
  'anomalies.accept': {
    params: z.strictObject({ findingId: z.string().min(1).max(64) }),
    result: z.strictObject({ finding: FindingSchema, released: z.boolean() }),
  },
  'anomalies.incident': {
    params: z.strictObject({ findingId: z.string().min(1).max(64) }),
    result: IncidentSchema,
  },
  'catalog.list': {
    params: z.strictObject({ query: z.string().max(200).optional() }),
    result: z.array(CatalogEntrySchema),
  },
  'pickers.pickFile': {
    params: z.strictObject({ title: z.string().max(200).optional(), kind: z.enum(['file', 'directory']).optional() }),
    result: z.strictObject({ path: z.string().nullable() }),
  },
} as const;

export type BridgeMethod = keyof typeof BRIDGE_METHODS;
export type BridgeParams<M extends BridgeMethod> = z.input<(typeof BRIDGE_METHODS)[M]['params']>;
export type BridgeValue<M extends BridgeMethod> = z.infer<(typeof BRIDGE_METHODS)[M]['result']>;
export type BridgeResult<M extends BridgeMethod> =
  { ok: true; value: BridgeValue<M> } | { ok: false; error: z.infer<typeof ErrorDataSchema> };

/** Events pushed to the renderer. */
export const BRIDGE_EVENTS = {
  'extensions.changed': z.array(ExtensionSummarySchema),
  'commands.progress': z.strictObject({
    runId: z.string(),
    fraction: z.number().nullable(),
    message: z.string().optional(),
  }),
  'prompts.opened': PromptSchema,
  'prompts.closed': z.strictObject({ promptId: z.string(), answer: z.string() }),
  'resources.sample': z.strictObject({ extensionId: id, sample: MetricSampleSchema }),
  'activity.record': AuditRecordSchema,
} as const;
export type BridgeEvent = keyof typeof BRIDGE_EVENTS;
export type BridgeEventPayload<E extends BridgeEvent> = z.infer<(typeof BRIDGE_EVENTS)[E]>;

export const BRIDGE_METHOD_NAMES = Object.keys(BRIDGE_METHODS) as BridgeMethod[];
export const BRIDGE_EVENT_NAMES = Object.keys(BRIDGE_EVENTS) as BridgeEvent[];

/** Electron IPC channel of a method (`warden:<area>.<verb>`) and the one event channel. */
export const ipcChannel = (method: BridgeMethod) => `warden:${method}` as const;
export const IPC_EVENT_CHANNEL = 'warden:event';
