/**
 * Which walls stand around an extension process, as one value every runtime shows the same way
 * (`warden top`, `warden run --verbose`/`--json`, the panel, the audit log). SES is always the
 * first wall; the second is the operating system's (Landlock + seccomp, or bubblewrap), Node's
 * own permission model as a weaker seat belt, or nothing.
 */
// Type-only: the schema lives in wall-schema.ts, so code that only names a wall (the launcher,
// which `warden run` loads before anything else) does not load zod.
import type { z } from 'zod';
import type { WallStatusSchema } from './wall-schema';

export const WALL_MECHANISMS = ['landlock-seccomp', 'bubblewrap', 'node-permission', 'none'] as const;
export type WallMechanism = (typeof WALL_MECHANISMS)[number];

/** What an admin policy can require: an OS wall, at least Node's permissions, or nothing. */
export const WALL_LEVELS = ['os', 'node', 'none'] as const;
export type WallLevel = (typeof WALL_LEVELS)[number];

export type WallStatus = z.infer<typeof WallStatusSchema>;

const LABELS: Record<WallMechanism, string> = {
  'landlock-seccomp': 'SES + Landlock/seccomp',
  bubblewrap: 'SES + bubblewrap',
  'node-permission': 'SES + Node permissions',
  none: 'SES only',
};

const LEVEL_OF: Record<WallMechanism, WallLevel> = {
  'landlock-seccomp': 'os',
  bubblewrap: 'os',
  'node-permission': 'node',
  none: 'none',
};

export function wallStatus(mechanism: WallMechanism, detail?: string): WallStatus {
  return { mechanism, level: LEVEL_OF[mechanism], label: LABELS[mechanism], ...(detail ? { detail } : {}) };
}

const RANK: Record<WallLevel, number> = { none: 0, node: 1, os: 2 };

/** Whether a process behind `actual` satisfies a policy that requires `required`. */
export function wallMeets(actual: WallLevel, required: WallLevel): boolean {
  return RANK[actual] >= RANK[required];
}
