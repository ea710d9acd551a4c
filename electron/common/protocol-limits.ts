/**
 * Protocol constants without schema code: the sandbox imports these, and must not load zod
 * (its module initialisation costs ~50 ms once SES has locked the intrinsics down).
 */

/** Largest message either side accepts; larger frames are skipped unread and counted. */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
export const MAX_LOG_TEXT = 8 * 1024;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
