/**
 * Errors between guest and host. Guest-visible errors are created *inside* the compartment (so
 * their constructor and frames are the guest's own); errors a guest throws become
 * `{ code, message, location, stack }` read defensively, with host frames removed and bundle
 * positions mapped to the author's sources when the bundle has a source map.
 */
import {
  DENY_REASONS,
  HOST_ERROR_CODES,
  MAX_ERROR_MESSAGE,
  MAX_FRAME_TEXT,
  MAX_FRAMES,
  truncate,
  type ErrorData,
} from '../common/errors';
import { mapLocation, type PositionMapper } from '../common/source-map-positions';
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

/** Where the guest's code is: its virtual URL, the name shown for it, and its source map. */
export interface GuestSource {
  /** `ext://<id>/<main>`: only frames naming it are the guest's. */
  sourceUrl: string;
  /** `dist/extension.js`: how the bundle is named when no map knows a position. */
  displayName: string;
  /** From the bundle's source map, when it has one (host-read, see core/bundle/source-map-file.ts). */
  mapper?: PositionMapper;
}

/** One guest frame: bundle position (1-based, wrapper-corrected) and a function name if safe. */
export interface GuestFrame {
  fn?: string;
  line: number;
  column: number;
}

/** Function names are the guest's text: only plain identifiers-ish are shown. */
const SAFE_FN = /^[\w$.<>[\] ]{1,80}$/;

/** The guest frames of a stack text, innermost first, at most MAX_FRAMES. */
export function parseGuestFrames(stack: string, sourceUrl: string): GuestFrame[] {
  const frames: GuestFrame[] = [];
  for (const text of stack.split('\n')) {
    if (frames.length >= MAX_FRAMES) break;
    const idx = text.lastIndexOf(sourceUrl);
    if (idx < 0) continue;
    const m = /^:(\d+):(\d+)/.exec(text.slice(idx + sourceUrl.length));
    if (!m) continue;
    const line = Number(m[1]);
    const column = line === 1 ? Math.max(1, Number(m[2]) - WRAPPER_HEAD.length) : Number(m[2]);
    const fn = /^\s*at (?:async )?(.+?) \(/.exec(text.slice(0, idx))?.[1];
    // V8 names anonymous functions of evaluated code `eval`: that is no name.
    frames.push(fn && fn !== 'eval' && SAFE_FN.test(fn) ? { fn, line, column } : { line, column });
  }
  return frames;
}

/** The guest frames of an error (none when it is not an object or its stack cannot be read). */
export function guestFrames(err: unknown, sourceUrl: string): GuestFrame[] {
  if (!getStackString || typeof err !== 'object' || err === null) return [];
  try {
    return parseGuestFrames(getStackString(err), sourceUrl);
  } catch {
    return [];
  }
}

/** `src/extension.ts:9:5` (through the map) or `dist/extension.js:29:11`. */
export function frameLocation(frame: GuestFrame, src: GuestSource): string {
  return mapLocation(src.mapper, src.displayName, frame.line, frame.column);
}

export function frameText(frame: GuestFrame, src: GuestSource): string {
  const where = frameLocation(frame, src);
  return (frame.fn ? `at ${frame.fn} (${where})` : `at ${where}`).slice(0, MAX_FRAME_TEXT);
}

/**
 * The first stack frame inside the guest's bundle, as `src/extension.ts:9:5` (or
 * `dist/extension.js:12:5` without a map). Only frames naming the guest's virtual `ext://` URL
 * are considered, so no host path can appear.
 */
export function guestLocation(err: unknown, src: GuestSource): string | undefined {
  const first = guestFrames(err, src.sourceUrl)[0];
  return first ? frameLocation(first, src) : undefined;
}

/** What a thrown guest value becomes on the wire, and where in the bundle it was thrown. */
export function guestErrorDetails(err: unknown, src: GuestSource): { data: ErrorData; bundleLocation?: string } {
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
  const frames = guestFrames(err, src.sourceUrl);
  if (frames.length === 0) return { data };
  data.location = frameLocation(frames[0]!, src);
  data.stack = frames.map((f) => frameText(f, src));
  return { data, bundleLocation: `${src.displayName}:${frames[0]!.line}:${frames[0]!.column}` };
}

/** What a thrown guest value becomes on the wire. A host code it carries is kept (e.g. EPERM). */
export function guestErrorData(err: unknown, src: GuestSource): ErrorData {
  return guestErrorDetails(err, src).data;
}
