/**
 * The error contract shared by every runtime: a failure crosses any boundary as data
 * `{ code, message, reason? }`, never as a host object, stack or path.
 */
import type { ErrorData } from './error-schema';

/** Codes a `host` API call may reject with (extensions/sdk/api.d.ts `WardenErrorCode`). */
export const HOST_ERROR_CODES = [
  'EPERM',
  'ENOENT',
  'EEXIST',
  'EISDIR',
  'ENOTDIR',
  'EINVAL',
  'E2BIG',
  'EQUOTA',
  'ERATE',
  'ETIMEDOUT',
  'ECANCELED',
  'ENET',
  'EINTERNAL',
  /** A host call past its removal (common/api-deprecations.ts). */
  'ENOSYS',
] as const;

/**
 * Codes a command outcome may carry: the host codes plus `EEXTENSION`, "the extension's own code
 * threw". Keeping it apart from `EINTERNAL` tells a user whose bug it is.
 */
export const ERROR_CODES = [...HOST_ERROR_CODES, 'EEXTENSION'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export type HostErrorCode = (typeof HOST_ERROR_CODES)[number];

/** Why a permission was refused (`EPERM` carries one of these; see electron/core/permissions/denial.ts). */
export const DENY_REASONS = ['undeclared', 'denied', 'policy', 'timeout'] as const;
export type DenyReason = (typeof DENY_REASONS)[number];

export const MAX_ERROR_MESSAGE = 2000;
/** Bounds of the guest stack an error carries (frames, characters a frame). */
export const MAX_FRAMES = 20;
export const MAX_FRAME_TEXT = 300;

export type { ErrorData };

/** An error whose `code` and message are safe to show to an extension or a user. */
export class WardenError extends Error {
  readonly code: ErrorCode;
  readonly reason: DenyReason | undefined;
  readonly location: string | undefined;
  /** The guest frames of an extension's error (never host frames). */
  readonly guestStack: string[] | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    extra: { reason?: DenyReason; location?: string; stack?: string[] } = {},
  ) {
    super(message);
    this.name = 'WardenError';
    this.code = code;
    this.reason = extra.reason;
    this.location = extra.location;
    this.guestStack = extra.stack;
  }

  toData(): ErrorData {
    const data: ErrorData = { code: this.code, message: truncate(this.message, MAX_ERROR_MESSAGE) };
    if (this.reason !== undefined) data.reason = this.reason;
    if (this.location !== undefined) data.location = this.location;
    if (this.guestStack !== undefined) data.stack = this.guestStack;
    return data;
  }

  static fromData(data: ErrorData): WardenError {
    return new WardenError(data.code, data.message, {
      reason: data.reason,
      location: data.location,
      stack: data.stack,
    });
  }
}

/**
 * Turns anything thrown inside the host into data an extension may see. Only `WardenError`s keep
 * their message: any other error could carry a host path or object, so it becomes a fixed text.
 */
export function toErrorData(err: unknown): ErrorData {
  if (err instanceof WardenError) return err.toData();
  return { code: 'EINTERNAL', message: 'internal error in the host' };
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
