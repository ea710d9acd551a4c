/**
 * The `manifest.json` contract (with README.md "Write an extension"). Unknown keys are rejected
 * at every level so a typo (`"permisions"`) fails loudly instead of silently granting nothing or
 * everything.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import semver from 'semver';
import { MAX_LIMITS, MIN_LIMITS } from './limits';
import { formatIssues } from './schema-issues';
import { CONTROL_OR_BIDI } from './plain-text';

const ID_PART = '[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?';
const ID_RE = new RegExp(`^${ID_PART}(?:\\.${ID_PART})+$`);
const PUBLISHER_RE = new RegExp(`^${ID_PART}$`);
const COMMAND_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const SECRET_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const PARAM_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const plainText = (max: number) =>
  z
    .string()
    .min(1, 'expected a non-empty string')
    .max(max, `expected at most ${max} characters`)
    .refine((s) => !CONTROL_OR_BIDI.test(s), 'must not contain control or bidi-override characters');

/** A file inside the extension folder: relative, forward slashes, no `..`, no NUL. */
const relativeFile = lazySchema(() =>
  z
    .string()
    .min(1)
    .max(255)
    .refine(
      (p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.includes('\\') && !p.includes('\0'),
      'expected a relative path with forward slashes inside the extension folder',
    )
    .refine((p) => p.split('/').every((seg) => seg !== '..' && seg !== ''), 'must not contain ".." or empty segments'),
);

const semverString = lazySchema(() =>
  z.string().refine((v) => semver.valid(v) !== null && semver.clean(v) === v, {
    message: 'expected a semantic version like "1.2.0"',
  }),
);

const semverRange = lazySchema(() =>
  z.string().refine((r) => semver.validRange(r) !== null, { message: 'expected a semver range like "^1.0.0"' }),
);

const fsPattern = lazySchema(() =>
  z
    .string()
    .min(1)
    .max(1024)
    .refine((p) => !p.includes('\0'), 'must not contain NUL')
    .refine(
      (p) => p.startsWith('~/') || p === '~' || p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p),
      'expected an absolute path pattern or one starting with "~/"',
    ),
);

const netPattern = lazySchema(() =>
  z
    .string()
    .min(1)
    .max(2048)
    .refine((p) => /^https?:\/\/[^/\s@]+(\/\S*)?$/.test(p), 'expected a URL pattern like "https://api.example.com/**"'),
);

const ParamSchema = lazySchema(() =>
  z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('string'),
      title: plainText(100).optional(),
      description: plainText(500).optional(),
      required: z.boolean().optional(),
      default: z.string().max(10_000).optional(),
      multiline: z.boolean().optional(),
    }),
    z.strictObject({
      type: z.literal('number'),
      title: plainText(100).optional(),
      description: plainText(500).optional(),
      required: z.boolean().optional(),
      default: z.number().optional(),
      min: z.number().optional(),
      max: z.number().optional(),
      integer: z.boolean().optional(),
    }),
    z.strictObject({
      type: z.literal('boolean'),
      title: plainText(100).optional(),
      description: plainText(500).optional(),
      required: z.boolean().optional(),
      default: z.boolean().optional(),
    }),
    z.strictObject({
      type: z.literal('enum'),
      title: plainText(100).optional(),
      description: plainText(500).optional(),
      required: z.boolean().optional(),
      values: z.array(z.string().min(1).max(200)).min(1).max(100),
      default: z.string().optional(),
    }),
    z.strictObject({
      type: z.literal('path'),
      kind: z.enum(['file', 'directory']).optional(),
      title: plainText(100).optional(),
      description: plainText(500).optional(),
      required: z.boolean().optional(),
      default: z.string().max(4096).optional(),
    }),
  ]),
);
export type CommandParam = z.infer<typeof ParamSchema>;

const CommandSchema = lazySchema(() =>
  z.strictObject({
    id: z.string().regex(COMMAND_ID_RE, 'expected a command id of letters, digits and ".:_-" (at most 128)'),
    title: plainText(200),
    description: plainText(1000).optional(),
    params: z
      .record(z.string().regex(PARAM_NAME_RE, 'expected a parameter name like "folder"'), ParamSchema)
      .refine((r) => Object.keys(r).length <= 50, 'at most 50 parameters')
      .optional(),
  }),
);
export type CommandContribution = z.infer<typeof CommandSchema>;

const limitInt = (key: keyof typeof MAX_LIMITS) =>
  z
    .number()
    .int(`expected a whole number`)
    .min(MIN_LIMITS[key], `expected at least ${MIN_LIMITS[key]}`)
    .max(MAX_LIMITS[key], `expected at most ${MAX_LIMITS[key]} (the host maximum)`);

export const PermissionsSchema = lazySchema(() =>
  z.strictObject({
    'fs.read': z.array(fsPattern).max(100).optional(),
    'fs.write': z.array(fsPattern).max(100).optional(),
    net: z.array(netPattern).max(100).optional(),
    secrets: z.array(z.string().regex(SECRET_NAME_RE, 'expected a secret name like "GITHUB_TOKEN"')).max(50).optional(),
    notifications: z.boolean().optional(),
  }),
);
export type Permissions = z.infer<typeof PermissionsSchema>;

export const ManifestSchema = lazySchema(() =>
  z
    .strictObject({
      $schema: z.string().max(1024).optional(),
      id: z
        .string()
        .max(128, 'expected at most 128 characters')
        .regex(ID_RE, 'expected "<publisher>.<name>" in lowercase letters, digits and "-", like "acme.word-count"'),
      name: plainText(100),
      version: semverString,
      publisher: z.string().regex(PUBLISHER_RE, 'expected lowercase letters, digits and "-", like "acme"'),
      description: plainText(1000).optional(),
      main: relativeFile
        // A .py main is checked against `runtime` below.
        .refine((p) => /\.(c?js|py)$/.test(p), 'expected a .js or .cjs bundle')
        .default('dist/extension.js'),
      /** The language the extension is written in: JavaScript (the default) or Python (docs/python.md). */
      runtime: z.enum(['javascript', 'python']).optional(),
      icon: relativeFile.optional(),
      license: z.string().max(100).optional(),
      homepage: z.string().max(1024).optional(),
      repository: z.string().max(1024).optional(),
      keywords: z.array(z.string().max(50)).max(20).optional(),
      engines: z.strictObject({ warden: semverRange }),
      activation: z.enum(['onCommand', 'onStartup']).default('onCommand'),
      contributes: z
        .strictObject({
          commands: z
            .array(CommandSchema)
            .max(200)
            .superRefine((cmds, ctx) => {
              const seen = new Set<string>();
              cmds.forEach((c, i) => {
                if (seen.has(c.id))
                  ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate command id "${c.id}"` });
                seen.add(c.id);
              });
            })
            .default([]),
        })
        .default({ commands: [] }),
      permissions: PermissionsSchema.default({}),
      limits: z
        .strictObject({
          memoryMb: limitInt('memoryMb').optional(),
          cpuPercent: limitInt('cpuPercent').optional(),
          callTimeoutMs: limitInt('callTimeoutMs').optional(),
          storageMb: limitInt('storageMb').optional(),
          hostCallsPerSecond: limitInt('hostCallsPerSecond').optional(),
          netRequestsPerMinute: limitInt('netRequestsPerMinute').optional(),
          netMbPerMinute: limitInt('netMbPerMinute').optional(),
          fsMbPerMinute: limitInt('fsMbPerMinute').optional(),
        })
        .default({}),
    })
    .superRefine((m, ctx) => {
      const python = m.runtime === 'python';
      if (python !== m.main.endsWith('.py')) {
        ctx.addIssue({
          code: 'custom',
          path: ['main'],
          message: python
            ? 'expected a .py file: "runtime" is "python"'
            : 'a .py main needs "runtime": "python" (a JavaScript main is a .js or .cjs bundle)',
        });
      }
      if (!m.id.startsWith(`${m.publisher}.`)) {
        ctx.addIssue({
          code: 'custom',
          path: ['id'],
          message: `expected the id to start with the publisher ("${m.publisher}.")`,
        });
      }
    }),
);

export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestInput = z.input<typeof ManifestSchema>;

export type ManifestResult = { ok: true; manifest: Manifest } | { ok: false; errors: string[] };

/** Validates parsed JSON; every error line names the field and what was expected. */
export function parseManifest(value: unknown): ManifestResult {
  const result = ManifestSchema.safeParse(value);
  if (result.success) return { ok: true, manifest: result.data };
  return { ok: false, errors: formatIssues(result.error) };
}
