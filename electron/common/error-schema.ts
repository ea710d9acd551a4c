/** Schema of an error crossing a boundary as data; `ErrorData` is derived from it. */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { DENY_REASONS, ERROR_CODES, MAX_ERROR_MESSAGE, MAX_FRAMES, MAX_FRAME_TEXT } from './errors';

export const ErrorDataSchema = lazySchema(() =>
  z.strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string().max(MAX_ERROR_MESSAGE),
    reason: z.enum(DENY_REASONS).optional(),
    /** Guest-code frames only (`ext://<id>/<file>:line:col`), for developers; never host frames. */
    location: z.string().max(500).optional(),
    /** Guest-code frames of the error, outermost last (`at fn (src/a.ts:3:9)`), for developers. */
    stack: z.array(z.string().max(MAX_FRAME_TEXT)).max(MAX_FRAMES).optional(),
  }),
);
export type ErrorData = z.infer<typeof ErrorDataSchema>;
