/**
 * The host ⇄ sandbox protocol. Both directions are validated at the receiving side; every object
 * is strict, so a field the protocol does not define (an "extension id", say) makes the whole
 * message invalid. Identity is never in a message: the host knows who sent it by the channel.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { LOG_LEVELS } from './protocol-limits';
import { ErrorDataSchema } from './error-schema';
import { DataValueSchema } from './data-value-schema';
import { SourceMapDataSchema } from './source-map';
import { FILE_IDENTITY_RE } from './file-identity';

import { MAX_CLOCK_ADVANCE_MS, MAX_LOG_TEXT } from './protocol-limits';

export { MAX_CLOCK_ADVANCE_MS, MAX_LOG_TEXT, MAX_MESSAGE_BYTES } from './protocol-limits';

const callId = lazySchema(() => z.number().int().min(1).max(Number.MAX_SAFE_INTEGER));
const commandId = lazySchema(() => z.string().min(1).max(128));
const sha256Hex = lazySchema(() => z.string().regex(/^[0-9a-f]{64}$/));
/** The identity (device, inode, size, mtime, ctime) a file was verified at (common/file-identity.ts). */
const fileIdentity = lazySchema(() => z.string().regex(FILE_IDENTITY_RE));
/**
 * A memory snapshot of the Python runtime (a file the sandbox may read), its SHA-256 and, once the
 * host has verified it, the identity it verified: the sandbox then reads it without hashing when
 * the file it opened still has that identity (docs/python.md, "Start-up").
 */
const PythonSnapshotRefSchema = lazySchema(() =>
  z.strictObject({ file: z.string().min(1).max(4096), sha256: sha256Hex, identity: fileIdentity.optional() }),
);
/** The host runtime's files the host verified: file name → its SHA-256 and the identity verified. */
const PythonVerifiedSchema = lazySchema(() =>
  z
    .record(z.string().regex(/^[A-Za-z0-9._-]{1,255}$/), z.strictObject({ sha256: sha256Hex, identity: fileIdentity }))
    .refine((v) => Object.keys(v).length <= 64, 'at most 64 runtime files'),
);

/** `ok` messages carry no `error`; failed ones carry an `error` and no `value`. */
function exactlyOneOutcome(m: { ok: boolean; value?: unknown; error?: unknown }): boolean {
  return m.ok ? m.error === undefined : m.error !== undefined && m.value === undefined;
}

/* ---------------- host → sandbox ---------------- */

export const InitMessageSchema = lazySchema(() =>
  z.strictObject({
    t: z.literal('init'),
    extension: z.strictObject({ id: z.string(), version: z.string(), name: z.string() }),
    /** The bundle source; the host reads (and hash-checks) the file, the sandbox never does. */
    source: z.string(),
    /** Virtual file name shown in guest stack frames: `ext://<id>/<main>`, never a host path. */
    sourceUrl: z.string(),
    /** The bundle's source map (display names + VLQ mappings), to name the author's files in errors. */
    sourceMap: SourceMapDataSchema.optional(),
    /**
     * Test hosts only (`warden/testing`): the guest's Date, performance.now() and timers run on a
     * virtual clock starting here, moved only by `clock` messages.
     */
    clock: z.strictObject({ startMs: z.number().finite() }).optional(),
    commands: z.array(commandId),
    heartbeatMs: z.number().int().min(10).max(60_000),
    /** Python extensions only (manifest `"runtime": "python"`, docs/python.md). */
    python: z
      .strictObject({
        /** The main .py file, relative to the extension folder; its text is `source`. */
        main: z.string().min(1).max(255),
        /** The extension's other .py files (relative path → text), written to Python's memory file system. */
        files: z.record(z.string().min(1).max(255), z.string()),
        /** The wasm memory maximum (the manifest's `limits.memoryMb`). */
        memoryMb: z.number().int().min(1).max(65_536),
        /** A memory snapshot of the runtime to start from (a file the sandbox may read) and its hash. */
        snapshot: PythonSnapshotRefSchema.optional(),
        /** The host's runtime files as the host verified them (absent: the sandbox hashes each). */
        verified: PythonVerifiedSchema.optional(),
        /**
         * A package's own Python runtime whose bytes differ from the host's (docs/python.md,
         * "Packaging"): the folder the host copied its verified files to, and each file's SHA-256.
         * Absent: the host's own runtime, which a warm spare or the shared snapshot may serve.
         */
        runtime: z
          .strictObject({
            dir: z.string().min(1).max(4096),
            files: z.record(z.string().regex(/^[A-Za-z0-9._-]{1,255}$/), sha256Hex),
          })
          .optional(),
        /**
         * The vendored wheels (python_packages/, common/python-wheel.ts): file name, the SHA-256 the
         * signed index lists, and the bytes as read from disk. The sandbox checks each hash before
         * unpacking (at most MAX_WHEELS = 200).
         */
        wheels: z
          .array(
            z.strictObject({
              file: z.string().min(1).max(255),
              sha256: z.string().regex(/^[0-9a-f]{64}$/),
              bytes: z.instanceof(Uint8Array),
            }),
          )
          .max(200)
          .optional(),
      })
      .optional(),
  }),
);

export const HostMessageSchema = lazySchema(() =>
  z.discriminatedUnion('t', [
    InitMessageSchema,
    z.strictObject({ t: z.literal('invoke'), id: callId, command: commandId, args: DataValueSchema }),
    z.strictObject({ t: z.literal('cancel'), id: callId }),
    z
      .strictObject({
        t: z.literal('reply'),
        id: callId,
        ok: z.boolean(),
        value: DataValueSchema.optional(),
        // Host errors carry no stack, ever (guest frames only travel guest → host).
        error: ErrorDataSchema.omit({ stack: true }).optional(),
      })
      .refine(exactlyOneOutcome, 'a reply carries a value (ok) or an error (not ok)'),
    z.strictObject({ t: z.literal('stop') }),
    /** Moves a virtual clock (see `init.clock`) forward, firing the timers that fall due. */
    z.strictObject({ t: z.literal('clock'), advanceMs: z.number().finite().min(0).max(MAX_CLOCK_ADVANCE_MS) }),
    /**
     * The warm pool to a waiting process, before any `init`: start the host's own Python runtime
     * now (from this verified snapshot, capped at `memoryMb`), so a Python extension's `init` costs
     * only its imports (docs/python.md, "Start-up").
     */
    z.strictObject({
      t: z.literal('python-preload'),
      memoryMb: z.number().int().min(1).max(65_536),
      snapshot: PythonSnapshotRefSchema.optional(),
      verified: PythonVerifiedSchema.optional(),
    }),
  ]),
);
export type HostMessage = z.input<typeof HostMessageSchema>;
export type InitMessage = z.infer<typeof InitMessageSchema>;

/* ---------------- sandbox → host ---------------- */

/** Every `host.*` method an extension can call, with the exact argument tuple it takes. */
const path = lazySchema(() => z.string().min(1).max(4096));
const recursive = lazySchema(() => z.strictObject({ recursive: z.boolean().optional() }).optional());
const pickOptions = lazySchema(() =>
  z
    .strictObject({ title: z.string().max(200).optional(), filters: z.array(z.string().max(50)).max(20).optional() })
    .optional(),
);
export const CAPABILITIES = ['fs.read', 'fs.write', 'net', 'secrets', 'notifications'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const HOST_METHOD_ARGS = {
  'storage.get': lazySchema(() => z.tuple([z.string().min(1).max(256)])),
  'storage.set': lazySchema(() => z.tuple([z.string().min(1).max(256), DataValueSchema])),
  'storage.delete': lazySchema(() => z.tuple([z.string().min(1).max(256)])),
  'storage.keys': lazySchema(() => z.tuple([])),
  'fs.readText': lazySchema(() => z.tuple([path])),
  'fs.readBytes': lazySchema(() => z.tuple([path])),
  /** Deprecated: the old name of fs.readText, forwarded by the host (common/api-deprecations.ts). */
  'fs.read': lazySchema(() => z.tuple([path])),
  'fs.writeText': lazySchema(() => z.tuple([path, z.string()])),
  'fs.writeBytes': lazySchema(() => z.tuple([path, z.instanceof(Uint8Array)])),
  'fs.list': lazySchema(() => z.tuple([path])),
  'fs.stat': lazySchema(() => z.tuple([path])),
  'fs.mkdir': lazySchema(() => z.tuple([path, recursive])),
  'fs.remove': lazySchema(() => z.tuple([path, recursive])),
  'fs.pickFile': lazySchema(() => z.tuple([pickOptions])),
  'fs.pickDirectory': lazySchema(() => z.tuple([pickOptions])),
  'net.fetch': lazySchema(() => z.tuple([z.string().max(8192), DataValueSchema.optional()])),
  'secrets.get': lazySchema(() => z.tuple([z.string().min(1).max(64)])),
  'ui.notify': lazySchema(() => z.tuple([z.string().max(2000), DataValueSchema.optional()])),
  'permissions.query': lazySchema(() => z.tuple([z.string().max(32), z.string().max(8192).optional()])),
  'permissions.request': lazySchema(() =>
    z.tuple([z.string().max(32), z.string().max(8192).optional(), z.string().max(2000).optional()]),
  ),
} as const;
export type HostMethod = keyof typeof HOST_METHOD_ARGS;
export const HOST_METHODS = Object.keys(HOST_METHOD_ARGS) as HostMethod[];
export type HostMethodArgs<M extends HostMethod> = z.infer<(typeof HOST_METHOD_ARGS)[M]>;
/** Methods the host only forwards to their replacement (common/api-deprecations.ts). */
export type ShimmedHostMethod = 'fs.read';
export type CurrentHostMethod = Exclude<HostMethod, ShimmedHostMethod>;

export { LOG_LEVELS, type LogLevel } from './protocol-limits';

export const ChildMessageSchema = lazySchema(() =>
  z.discriminatedUnion('t', [
    z.strictObject({ t: z.literal('hello') }),
    z.strictObject({ t: z.literal('ready'), commands: z.array(commandId).max(1000) }),
    z.strictObject({
      t: z.literal('load-failed'),
      phase: z.enum(['evaluate', 'activate']),
      syntax: z.boolean(),
      error: ErrorDataSchema,
    }),
    z
      .strictObject({
        t: z.literal('result'),
        id: callId,
        ok: z.boolean(),
        /** The handler's return value as plain data; the host maps it onto a CommandResult. */
        value: DataValueSchema.optional(),
        error: ErrorDataSchema.optional(),
      })
      .refine(exactlyOneOutcome, 'a result carries a value (ok) or an error (not ok)'),
    z.strictObject({
      t: z.literal('progress'),
      id: callId,
      fraction: z.number().min(0).max(1).nullable(),
      message: z.string().max(500).optional(),
    }),
    z.strictObject({
      t: z.literal('call'),
      id: callId,
      method: z.enum(HOST_METHODS as [HostMethod, ...HostMethod[]]),
      args: z.array(z.unknown()).max(8),
    }),
    z.strictObject({ t: z.literal('log'), level: z.enum(LOG_LEVELS), text: z.string().max(MAX_LOG_TEXT) }),
    z.strictObject({
      t: z.literal('hb'),
      seq: z.number().int().min(0),
      heapUsed: z.number().min(0).optional(),
      timers: z.number().int().min(0).optional(),
    }),
    z.strictObject({ t: z.literal('stopped') }),
  ]),
);
export type ChildMessage = z.infer<typeof ChildMessageSchema>;
