/**
 * The commands sent to one extension process and not yet answered: their ids, timeouts and
 * cancellation, and what a `result` or `progress` for an id means (settled, the one late result of
 * an abandoned call, or a protocol violation).
 */
import { normalizeCommandResult, type CommandResult } from '../../common/command-result';
import { WardenError } from '../../common/errors';
import type { DataValue } from '../../common/data-value';
import type { ChildMessage, HostMessage } from '../../common/protocol';
import type { InvokeOptions } from './process-types';

/** Abandoned call ids remembered for their late result. */
const MAX_ABANDONED = 1024;

interface PendingInvoke {
  resolve(r: CommandResult): void;
  reject(e: WardenError): void;
  onProgress?: InvokeOptions['onProgress'];
  cleanup(): void;
}

type ResultMessage = Extract<ChildMessage, { t: 'result' }>;
type ProgressMessage = Extract<ChildMessage, { t: 'progress' }>;

export interface InvokeTable {
  readonly size: number;
  /** Sends the command with a new id; settles by its result, its timeout, its abort or `rejectAll`. */
  invoke(command: string, args: DataValue, options: InvokeOptions): Promise<CommandResult>;
  /** Settles the call; returns what is wrong with the message, if anything (a violation). */
  result(m: ResultMessage): string | undefined;
  progress(m: ProgressMessage, allowed: () => boolean): string | undefined;
  rejectAll(error: WardenError): void;
}

export function createInvokeTable(send: (m: HostMessage) => void): InvokeTable {
  const pending = new Map<number, PendingInvoke>();
  /** Ids of calls that timed out or were cancelled (their one late result is no violation). */
  const abandoned = new Set<number>();
  let nextId = 1;

  const abandon = (id: number, error: WardenError): void => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    // One late result of this call is expected; bounded, oldest forgotten first.
    abandoned.add(id);
    if (abandoned.size > MAX_ABANDONED) abandoned.delete(abandoned.values().next().value!);
    p.cleanup();
    p.reject(error);
    send({ t: 'cancel', id });
  };

  return {
    get size() {
      return pending.size;
    },
    invoke(command, args, options) {
      const id = nextId++;
      return new Promise<CommandResult>((resolve, reject) => {
        // No timeout here when the supervisor runs the command's clock (paused while a prompt waits).
        const timer =
          options.timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                abandon(
                  id,
                  new WardenError('ETIMEDOUT', `command "${command}" did not finish within ${options.timeoutMs} ms`),
                );
              }, options.timeoutMs);
        // A cancel carries its own reason (the supervisor's clock aborts with ETIMEDOUT).
        const onAbort = () => {
          const why: unknown = options.signal?.reason;
          abandon(
            id,
            why instanceof WardenError ? why : new WardenError('ECANCELED', `command "${command}" was cancelled`),
          );
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
        pending.set(id, {
          resolve,
          reject,
          onProgress: options.onProgress,
          cleanup: () => {
            clearTimeout(timer);
            options.signal?.removeEventListener('abort', onAbort);
          },
        });
        if (options.signal?.aborted) return onAbort();
        send({ t: 'invoke', id, command, args });
      });
    },
    result(m) {
      // An id at or above the next one was never issued: not a late reply but a lie.
      if (m.id >= nextId) return 'result for a call never made';
      const p = pending.get(m.id);
      if (!p) {
        if (abandoned.delete(m.id)) return undefined; // late result of a call that timed out or was cancelled
        return 'a second result for a call that already settled';
      }
      pending.delete(m.id);
      p.cleanup();
      if (!m.ok) return void p.reject(WardenError.fromData(m.error!));
      const normalized = normalizeCommandResult(m.value);
      if (normalized.ok) p.resolve(normalized.result);
      else p.reject(new WardenError('EINVAL', normalized.problem));
      return undefined;
    },
    progress(m, allowed) {
      if (m.id >= nextId) return 'progress for a call never made';
      if (allowed()) pending.get(m.id)?.onProgress?.(m.fraction, m.message);
      return undefined;
    },
    rejectAll(error) {
      for (const p of pending.values()) {
        p.cleanup();
        p.reject(error);
      }
      pending.clear();
    },
  };
}
