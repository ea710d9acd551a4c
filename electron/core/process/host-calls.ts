/**
 * The host side of an extension's `host.*` calls: each is metered (call budget, calls in flight)
 * before the handler runs, and answered with a reply whose error is data (never a host stack).
 */
import type { HostMessage, HostMethod } from '../../common/protocol';
import { WardenError, toErrorData } from '../../common/errors';
import type { Logger } from '../platform/logger';
import type { BudgetMeter } from '../governance/token-bucket';
import type { HostCallHandler } from './process-types';

export interface HostCallGate {
  handle(id: number, method: HostMethod, args: unknown[]): Promise<void>;
}

export function createHostCallGate(o: {
  handleCall: HostCallHandler;
  send(m: HostMessage): void;
  log: Logger;
  budget?: BudgetMeter;
  maxPending?: number;
}): HostCallGate {
  const max = o.maxPending ?? 256;
  let inFlight = 0;
  const refuse = (id: number, message: string) =>
    o.send({ t: 'reply', id, ok: false, error: { code: 'ERATE', message } });
  return {
    async handle(id, method, args) {
      if (o.budget && !o.budget.call()) return refuse(id, 'host call rate limit exceeded');
      if (inFlight >= max) return refuse(id, `more than ${max} host calls in flight`);
      inFlight++;
      try {
        const value = await o.handleCall(method, args);
        o.send(value === undefined ? { t: 'reply', id, ok: true } : { t: 'reply', id, ok: true, value });
      } catch (err) {
        if (!(err instanceof WardenError)) o.log.error(`host call ${method} failed`, { error: String(err) });
        o.send({ t: 'reply', id, ok: false, error: toErrorData(err) });
      } finally {
        inFlight--;
      }
    },
  };
}
