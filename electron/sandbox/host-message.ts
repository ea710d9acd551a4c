/**
 * Parses messages from the host. The host is trusted, so this is defence in depth, but it is
 * still strict: exact key sets and types, or the message is ignored.
 *
 * Hand-written instead of using the zod schema in common/protocol.ts because loading zod after
 * lockdown() costs ~50 ms of every extension's start. test/unit/host-message.test.ts checks that
 * this parser and `HostMessageSchema` agree, so the two cannot drift apart.
 */
import { DENY_REASONS, ERROR_CODES, MAX_ERROR_MESSAGE, type ErrorData } from '../common/errors';
import type { InitMessage } from '../common/protocol';
import { MAX_CLOCK_ADVANCE_MS } from '../common/protocol-limits';
import { MAX_SOURCE_MAP_BYTES } from '../common/source-map-positions';
import { FILE_IDENTITY_RE } from '../common/file-identity';

export type ParsedHostMessage =
  | InitMessage
  | { t: 'invoke'; id: number; command: string; args: unknown }
  | { t: 'cancel'; id: number }
  | { t: 'reply'; id: number; ok: boolean; value?: unknown; error?: ErrorData }
  | { t: 'stop' }
  | { t: 'clock'; advanceMs: number }
  | { t: 'python-preload'; memoryMb: number; snapshot?: SnapshotRef; verified?: VerifiedFiles };

type SnapshotRef = { file: string; sha256: string; identity?: string };
type VerifiedFiles = Record<string, { sha256: string; identity: string }>;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const isStr = (v: unknown, max = Infinity): v is string => typeof v === 'string' && v.length <= max;
const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;

/** True when `o` has every key in `required`, optionally keys in `optional`, and nothing else. */
function keysAre(o: Obj, required: readonly string[], optional: readonly string[] = []): boolean {
  const keys = Object.keys(o);
  return required.every((k) => k in o) && keys.every((k) => required.includes(k) || optional.includes(k));
}

function isErrorData(v: unknown): v is ErrorData {
  return (
    isObj(v) &&
    keysAre(v, ['code', 'message'], ['reason', 'location']) &&
    (ERROR_CODES as readonly unknown[]).includes(v.code) &&
    isStr(v.message, MAX_ERROR_MESSAGE) &&
    (v.reason === undefined || (DENY_REASONS as readonly unknown[]).includes(v.reason)) &&
    (v.location === undefined || isStr(v.location, 500))
  );
}

/** The source map the host read (`{ sources, mappings }`), bounded as SourceMapDataSchema is. */
function isSourceMap(v: unknown): boolean {
  return (
    isObj(v) &&
    keysAre(v, ['sources', 'mappings']) &&
    Array.isArray(v.sources) &&
    v.sources.length <= 20_000 &&
    v.sources.every((s) => isStr(s, 300)) &&
    isStr(v.mappings, MAX_SOURCE_MAP_BYTES)
  );
}

/** `init.python.wheels` (protocol.ts): vendored wheels, each named, hashed and carried as bytes. */
const isWheels = (v: unknown): boolean =>
  Array.isArray(v) &&
  v.length <= 200 &&
  v.every(
    (w) =>
      isObj(w) &&
      keysAre(w, ['file', 'sha256', 'bytes']) &&
      isStr(w.file, 255) &&
      w.file.length > 0 &&
      typeof w.sha256 === 'string' &&
      /^[0-9a-f]{64}$/.test(w.sha256) &&
      w.bytes instanceof Uint8Array,
  );

const isMemoryMb = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65_536;
const isHex64 = (v: unknown): boolean => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const isIdentity = (v: unknown): boolean => typeof v === 'string' && FILE_IDENTITY_RE.test(v);
const isSnapshot = (v: unknown): v is SnapshotRef =>
  isObj(v) &&
  keysAre(v, ['file', 'sha256'], ['identity']) &&
  isStr(v.file, 4096) &&
  v.file.length > 0 &&
  isHex64(v.sha256) &&
  (v.identity === undefined || isIdentity(v.identity));
/** `verified` (protocol.ts): runtime file name → the SHA-256 and identity the host verified. */
const isVerified = (v: unknown): v is VerifiedFiles =>
  isObj(v) &&
  Object.keys(v).length <= 64 &&
  Object.entries(v).every(
    ([k, f]) =>
      /^[A-Za-z0-9._-]{1,255}$/.test(k) &&
      isObj(f) &&
      keysAre(f, ['sha256', 'identity']) &&
      isHex64(f.sha256) &&
      isIdentity(f.identity),
  );
/** `init.python.runtime`: a package's own runtime (folder and the SHA-256 of each file). */
const isRuntime = (v: unknown): boolean =>
  isObj(v) &&
  keysAre(v, ['dir', 'files']) &&
  isStr(v.dir, 4096) &&
  v.dir.length > 0 &&
  isObj(v.files) &&
  Object.keys(v.files).length <= 64 &&
  Object.entries(v.files).every(
    ([k, h]) => /^[A-Za-z0-9._-]{1,255}$/.test(k) && typeof h === 'string' && /^[0-9a-f]{64}$/.test(h),
  );

/** `init.python` (protocol.ts): main, files, memoryMb, an optional snapshot, runtime and wheels. */
const isPython = (v: unknown): boolean =>
  isObj(v) &&
  keysAre(v, ['main', 'files', 'memoryMb'], ['snapshot', 'runtime', 'wheels', 'verified']) &&
  (v.runtime === undefined || isRuntime(v.runtime)) &&
  (v.verified === undefined || isVerified(v.verified)) &&
  (v.wheels === undefined || isWheels(v.wheels)) &&
  isStr(v.main, 255) &&
  v.main.length > 0 &&
  isObj(v.files) &&
  Object.entries(v.files).every(([k, t]) => k.length > 0 && k.length <= 255 && typeof t === 'string') &&
  Number.isInteger(v.memoryMb) &&
  (v.memoryMb as number) >= 1 &&
  (v.memoryMb as number) <= 65_536 &&
  (v.snapshot === undefined || isSnapshot(v.snapshot));

const isClock = (v: unknown): boolean =>
  isObj(v) && keysAre(v, ['startMs']) && typeof v.startMs === 'number' && Number.isFinite(v.startMs);

export function parseHostMessage(m: unknown): ParsedHostMessage | undefined {
  if (!isObj(m)) return undefined;
  switch (m.t) {
    case 'init': {
      const e = m.extension;
      const ok =
        keysAre(
          m,
          ['t', 'extension', 'source', 'sourceUrl', 'commands', 'heartbeatMs'],
          ['sourceMap', 'clock', 'python'],
        ) &&
        (m.python === undefined || isPython(m.python)) &&
        (m.sourceMap === undefined || isSourceMap(m.sourceMap)) &&
        (m.clock === undefined || isClock(m.clock)) &&
        isObj(e) &&
        keysAre(e, ['id', 'version', 'name']) &&
        isStr(e.id) &&
        isStr(e.version) &&
        isStr(e.name) &&
        isStr(m.source) &&
        isStr(m.sourceUrl) &&
        Array.isArray(m.commands) &&
        m.commands.every((c) => isStr(c, 128) && c.length > 0) &&
        Number.isInteger(m.heartbeatMs) &&
        (m.heartbeatMs as number) >= 10 &&
        (m.heartbeatMs as number) <= 60_000;
      return ok ? (m as unknown as InitMessage) : undefined;
    }
    case 'invoke':
      return keysAre(m, ['t', 'id', 'command', 'args']) && isId(m.id) && isStr(m.command, 128) && m.command.length > 0
        ? { t: 'invoke', id: m.id, command: m.command, args: m.args }
        : undefined;
    case 'cancel':
      return keysAre(m, ['t', 'id']) && isId(m.id) ? { t: 'cancel', id: m.id } : undefined;
    case 'reply': {
      if (!keysAre(m, ['t', 'id', 'ok'], ['value', 'error']) || !isId(m.id) || typeof m.ok !== 'boolean')
        return undefined;
      if (m.ok) return 'error' in m ? undefined : { t: 'reply', id: m.id, ok: true, value: m.value };
      return isErrorData(m.error) && !('value' in m) ? { t: 'reply', id: m.id, ok: false, error: m.error } : undefined;
    }
    case 'stop':
      return keysAre(m, ['t']) ? { t: 'stop' } : undefined;
    case 'clock':
      return keysAre(m, ['t', 'advanceMs']) &&
        typeof m.advanceMs === 'number' &&
        Number.isFinite(m.advanceMs) &&
        m.advanceMs >= 0 &&
        m.advanceMs <= MAX_CLOCK_ADVANCE_MS
        ? { t: 'clock', advanceMs: m.advanceMs }
        : undefined;
    case 'python-preload':
      return keysAre(m, ['t', 'memoryMb'], ['snapshot', 'verified']) &&
        isMemoryMb(m.memoryMb) &&
        (m.snapshot === undefined || isSnapshot(m.snapshot)) &&
        (m.verified === undefined || isVerified(m.verified))
        ? {
            t: 'python-preload',
            memoryMb: m.memoryMb as number,
            ...(m.snapshot ? { snapshot: m.snapshot } : {}),
            ...(m.verified ? { verified: m.verified } : {}),
          }
        : undefined;
    default:
      return undefined;
  }
}
