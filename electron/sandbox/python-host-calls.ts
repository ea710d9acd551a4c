/**
 * The calls between Python's `host` module and the JavaScript host API (python-runtime.ts):
 * which host methods Python may call, their arguments and results as tagged JSON, and the error
 * data a Python handler reports, checked field by field.
 */
import type { ErrorData } from '../common/errors';
import {
  HOST_ERROR_CODES,
  DENY_REASONS,
  MAX_ERROR_MESSAGE,
  MAX_FRAMES,
  MAX_FRAME_TEXT,
  truncate,
} from '../common/errors';

const hostCodes: ReadonlySet<string> = new Set(HOST_ERROR_CODES);
const denyReasons: ReadonlySet<string> = new Set(DENY_REASONS);

/** Error data a Python handler sent as JSON, checked field by field (never trusted as shaped). */
export function parseErrorJson(text: unknown): ErrorData {
  let v: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(String(text));
    if (parsed && typeof parsed === 'object') v = parsed as Record<string, unknown>;
  } catch {
    // falls through to a generic error
  }
  const code = typeof v.code === 'string' && hostCodes.has(v.code) ? v.code : 'EEXTENSION';
  const data: ErrorData = {
    code: code as ErrorData['code'],
    message: truncate(typeof v.message === 'string' ? v.message : 'Python error', MAX_ERROR_MESSAGE),
  };
  if (code !== 'EEXTENSION' && typeof v.reason === 'string' && denyReasons.has(v.reason))
    data.reason = v.reason as ErrorData['reason'];
  if (typeof v.location === 'string') data.location = v.location.slice(0, 500);
  if (Array.isArray(v.stack))
    data.stack = v.stack
      .filter((s): s is string => typeof s === 'string')
      .slice(0, MAX_FRAMES)
      .map((s) => s.slice(0, MAX_FRAME_TEXT));
  return data;
}

/** Host methods Python may call by name, and nothing else. */
const HOST_METHODS = new Set([
  'fs.readText',
  'fs.readBytes',
  'fs.writeText',
  'fs.writeBytes',
  'fs.list',
  'fs.stat',
  'fs.mkdir',
  'fs.remove',
  'fs.pickFile',
  'fs.pickDirectory',
  'net.fetch',
  'storage.get',
  'storage.set',
  'storage.delete',
  'storage.keys',
  'secrets.get',
  'ui.notify',
  'permissions.query',
  'permissions.request',
]);

export type Tagged = readonly [string, ...unknown[]];

/** One host call from Python: arguments from JSON (+ one byte array), the result tagged. */
export async function callHost(
  host: Record<string, unknown>,
  method: unknown,
  argsJson: unknown,
  blobIndex: unknown,
  blob: unknown,
): Promise<Tagged> {
  try {
    if (typeof method !== 'string' || !HOST_METHODS.has(method))
      throw new TypeError(`unknown host method ${String(method)}`);
    const args = JSON.parse(String(argsJson)) as unknown[];
    if (!Array.isArray(args)) throw new TypeError('host call arguments must be a list');
    if (typeof blobIndex === 'number' && blobIndex >= 0 && blob instanceof Uint8Array)
      args[blobIndex] = new Uint8Array(blob);
    const [ns, member] = method.split('.') as [string, string];
    const fn = (host[ns] as Record<string, (...a: unknown[]) => Promise<unknown>>)[member]!;
    const value = await Reflect.apply(fn, undefined, args);
    if (method === 'net.fetch') {
      const r = value as { status: number; statusText: string; url: string; headers: unknown; body: Uint8Array };
      const meta = JSON.stringify({ status: r.status, statusText: r.statusText, url: r.url, headers: r.headers });
      return harden(['fetch', meta, r.body]);
    }
    if (value instanceof Uint8Array) return harden(['bytes', value]);
    return harden(['json', JSON.stringify(value ?? null)]);
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown; reason?: unknown };
    const data = {
      code: typeof e?.code === 'string' ? e.code : 'EINVAL',
      message: typeof e?.message === 'string' ? e.message : 'host call failed',
      ...(typeof e?.reason === 'string' ? { reason: e.reason } : {}),
    };
    return harden(['error', JSON.stringify(data)]);
  }
}
