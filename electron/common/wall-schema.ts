/** The wall status as a contract (zod): its own file, so naming a wall does not load zod. */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { WALL_LEVELS, WALL_MECHANISMS } from './wall';

export const WallStatusSchema = lazySchema(() =>
  z.strictObject({
    mechanism: z.enum(WALL_MECHANISMS),
    level: z.enum(WALL_LEVELS),
    /** "SES + Landlock/seccomp", "SES + bubblewrap", "SES + Node permissions", "SES only". */
    label: z.string().max(100),
    /** Why the mechanism is what it is (e.g. "Landlock ABI 7", "no compiler at install"). */
    detail: z.string().max(300).optional(),
  }),
);
