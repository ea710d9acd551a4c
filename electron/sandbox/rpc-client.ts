/** Calls from the guest's `host` object to the host process, matched to replies by id. */
import { copyDataValue, DEFAULT_DATA_LIMITS, type DataLimits } from '../common/data-value';
import type { ErrorData } from '../common/errors';
import type { HostMethod } from '../common/protocol';

export type GuestErrorFactory = (data: ErrorData) => Error;

export interface RpcClient {
  call(method: HostMethod, args: unknown[]): Promise<unknown>;
  settle(id: number, ok: boolean, payload: unknown): void;
  failAll(data: ErrorData): void;
  pending(): number;
}

/** Values handed to the guest: ordinary objects (its libraries expect `hasOwnProperty`). */
export const GUEST_DATA_LIMITS: DataLimits = { ...DEFAULT_DATA_LIMITS, nullProto: false };

export function createRpcClient(opts: {
  /** False when the message cannot be sent (over the message cap): the call fails, E2BIG. */
  send(message: unknown): boolean;
  makeError: GuestErrorFactory;
  maxPending: number;
}): RpcClient {
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  // One frozen refusal for every call over the limit: copying arguments and building an error per
  // refused call made a storm of unawaited calls block the extension's own loop for seconds.
  let overLimit: Error | undefined;

  return {
    call(method, args) {
      if (waiting.size >= opts.maxPending) {
        overLimit ??= harden(
          opts.makeError({ code: 'ERATE', message: `more than ${opts.maxPending} host calls pending` }),
        );
        return Promise.reject(overLimit);
      }
      // Guest values are copied as plain data *here*, in the sandbox: getters, proxies and
      // `toJSON` never reach the host, and a bad argument fails without a round trip.
      const copy = copyDataValue(args, GUEST_DATA_LIMITS);
      if (!copy.ok) {
        return Promise.reject(opts.makeError({ code: 'EINVAL', message: `${method}: ${copy.problem}` }));
      }
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        if (opts.send({ t: 'call', id, method, args: copy.value }) !== false) return;
        // Too large to send: no reply will ever come, so settle now and free the pending slot.
        waiting.delete(id);
        reject(opts.makeError({ code: 'E2BIG', message: `${method}: the call is larger than the message limit` }));
      });
    },
    settle(id, ok, payload) {
      const w = waiting.get(id);
      if (!w) return;
      waiting.delete(id);
      if (!ok) return w.reject(opts.makeError(payload as ErrorData));
      const copy =
        payload === undefined ? { ok: true as const, value: undefined } : copyDataValue(payload, GUEST_DATA_LIMITS);
      if (copy.ok) w.resolve(copy.value);
      else w.reject(opts.makeError({ code: 'EINTERNAL', message: 'unreadable reply from the host' }));
    },
    failAll(data) {
      for (const w of waiting.values()) w.reject(opts.makeError(data));
      waiting.clear();
    },
    pending: () => waiting.size,
  };
}
