/**
 * Errors between guest and host. Guest-visible errors are created *inside* the compartment (so
 * their constructor and frames are the guest's own); errors a guest throws become
 * `{ code, message, location }` read defensively, with host frames removed.
 */
import { DENY_REASONS, HOST_ERROR_CODES, MAX_ERROR_MESSAGE, truncate, type ErrorData } from '../common/errors';
import { errorText } from './safe-format';
import type { GuestErrorFactory } from './rpc-client';

const hostCodes: ReadonlySet<string> = new Set(HOST_ERROR_CODES);
const denyReasons: ReadonlySet<string> = new Set(DENY_REASONS);

export function createGuestErrorFactory(compartment: Compartment): GuestErrorFactory {
  const make = compartment.evaluate(
    `(code, message, reason) => {
      const error = new Error(message);
      error.code = code;
      if (reason !== undefined) error.reason = reason;
      return error;
    }`,
  ) as (code: string, message: string, reason?: string) => Error;
  return (data: ErrorData) => make(data.code, data.message, data.reason);
}

/**
 * How evaluate-bundle.ts wraps a CommonJS bundle. It shares the bundle's first line (so line
 * numbers match the file), which shifts columns on line 1: locations are corrected for it.
 */
export const WRAPPER_HEAD = '(function (exports, module) {';

type StackReader = (error: unknown) => string;
/** SES leaves a privileged `getStackString` in the start compartment only. */
const getStackString: StackReader | undefined = (globalThis as { getStackString?: StackReader }).getStackString;

/**
 * The first stack frame inside the guest's bundle, as `dist/extension.js:12:5`. Only frames
 * naming the guest's virtual `ext://` URL are considered, so no host path can appear.
 */
export function guestLocation(err: unknown, sourceUrl: string, displayName: string): string | undefined {
  if (!getStackString || typeof err !== 'object' || err === null) return undefined;
  let stack: string;
  try {
    stack = getStackString(err);
  } catch {
    return undefined;
  }
  const idx = stack.indexOf(sourceUrl);
  if (idx < 0) return undefined;
  const m = /^:(\d+):(\d+)/.exec(stack.slice(idx + sourceUrl.length));
  if (!m) return undefined;
  const line = Number(m[1]);
  const column = line === 1 ? Math.max(1, Number(m[2]) - WRAPPER_HEAD.length) : Number(m[2]);
  return `${displayName}:${line}:${column}`;
}

/** What a thrown guest value becomes on the wire. A host code it carries is kept (e.g. EPERM). */
export function guestErrorData(err: unknown, sourceUrl: string, displayName: string): ErrorData {
  let code: unknown;
  let reason: unknown;
  let message: string;
  try {
    code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
    reason = typeof err === 'object' && err !== null ? (err as { reason?: unknown }).reason : undefined;
  } catch {
    code = undefined;
  }
  const hostCode = typeof code === 'string' && hostCodes.has(code);
  if (hostCode && err instanceof Error) {
    try {
      message = String(err.message);
    } catch {
      message = 'error';
    }
  } else {
    message = errorText(err);
  }
  const data: ErrorData = {
    code: hostCode ? (code as ErrorData['code']) : 'EEXTENSION',
    message: truncate(message, MAX_ERROR_MESSAGE),
  };
  if (hostCode && typeof reason === 'string' && denyReasons.has(reason)) data.reason = reason as ErrorData['reason'];
  const location = guestLocation(err, sourceUrl, displayName);
  if (location) data.location = location;
  return data;
}
