/**
 * The host side of an extension's `host.*` calls: calls in flight are bounded before the handler
 * runs (which meters them: host-api/metering.ts), and each is answered with a reply whose error
 * is data (never a host stack).
 *
 * What the replies may make the host hold is bounded too (issue 11): a call's slot is freed only
 * once its reply has left the host, not when its handler resolves; no call starts while the bytes
 * queued to the process are over MAX_QUEUED_OUTBOUND_BYTES (it waits, holding only its
 * arguments); and calls that read local data (whose replies may be megabytes) run a few at a time,
 * so a burst of them cannot build many large replies at once before the first has been queued.
 */
import type { HostMessage, HostMethod } from '../../common/protocol';
import { WardenError, toErrorData } from '../../common/errors';
import { MAX_QUEUED_OUTBOUND_BYTES } from '../../common/protocol-limits';
import type { Logger } from '../platform/logger';
import { methodIo } from '../host-api/metering';
import type { HostCallHandler } from './process-types';

/** Calls reading local data (files, storage, secrets) run or await their flush at once. */
const DATA_READS_AT_ONCE = 2;

export interface HostCallGate {
  handle(id: number, method: HostMethod, args: unknown[]): void;
  /** Starts waiting calls the outbound queue now has room for (call when it drains). */
  pump(): void;
}

interface Waiting {
  id: number;
  method: HostMethod;
  args: unknown[];
}

export function createHostCallGate(o: {
  handleCall: HostCallHandler;
  /** `onFlushed` runs once the reply has left the host. */
  send(m: HostMessage, onFlushed: () => void): void;
  /** Bytes queued to the process and not yet taken by it. */
  queuedBytes(): number;
  log: Logger;
  maxPending?: number;
}): HostCallGate {
  const max = o.maxPending ?? 256;
  /** Calls received and not yet answered *and flushed*: waiting, running, or replying. */
  let held = 0;
  let dataReads = 0;
  const waiting: Waiting[] = [];
  const refuse = (id: number, message: string) =>
    o.send({ t: 'reply', id, ok: false, error: { code: 'ERATE', message } }, () => {});

  const isDataRead = (method: HostMethod) => methodIo(method) === 'local-read';

  async function run(c: Waiting): Promise<void> {
    const dataRead = isDataRead(c.method);
    if (dataRead) dataReads++;
    let reply: HostMessage;
    try {
      const value = await o.handleCall(c.method, c.args);
      reply = value === undefined ? { t: 'reply', id: c.id, ok: true } : { t: 'reply', id: c.id, ok: true, value };
    } catch (err) {
      if (!(err instanceof WardenError)) o.log.error(`host call ${c.method} failed`, { error: String(err) });
      reply = { t: 'reply', id: c.id, ok: false, error: toErrorData(err) };
    }
    o.send(reply, () => {
      held--;
      if (dataRead) dataReads--;
      pump();
    });
  }

  function pump(): void {
    for (let i = 0; i < waiting.length && o.queuedBytes() < MAX_QUEUED_OUTBOUND_BYTES;) {
      const c = waiting[i]!;
      if (isDataRead(c.method) && dataReads >= DATA_READS_AT_ONCE) {
        i++;
        continue;
      }
      waiting.splice(i, 1);
      void run(c);
    }
  }

  return {
    handle(id, method, args) {
      if (held >= max) return refuse(id, `more than ${max} host calls in flight`);
      held++;
      waiting.push({ id, method, args });
      pump();
    },
    pump,
  };
}
