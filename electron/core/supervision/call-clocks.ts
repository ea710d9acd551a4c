/**
 * The timeout clocks of one extension's command calls, and the permission prompts they wait on.
 *
 * A command's timeout counts the extension's time, not the user's: while a prompt the command
 * waits on is open its clock stands still (as Snaps pauses a snap's timer during outbound calls).
 * A prompt is for the commands running when it opened (the child does not say which of them
 * asked, and is not trusted to); once they have all ended (finished, timed out, cancelled, their
 * process gone), the prompt is withdrawn, so an answer given afterwards performs nothing.
 */
import { WardenError } from '../../common/errors';
import type { PromptHold, PromptHolds } from '../permissions/types';

export interface CallClock {
  /** Aborts with ETIMEDOUT when the running time is up, with ECANCELED when the caller cancels. */
  readonly signal: AbortSignal;
  /** The call has settled: its clock stops and prompts held only for it are withdrawn. */
  end(): void;
}

export interface CallClocks extends PromptHolds {
  start(command: string, timeoutMs: number, external?: AbortSignal): CallClock;
  /** The process is gone: every open hold is withdrawn, whatever it was for. */
  endAll(): void;
}

interface Call {
  ended: boolean;
  holds: number;
  pause(): void;
  resume(): void;
  watchers: Set<() => void>;
}

export function createCallClocks(): CallClocks {
  const running = new Set<Call>();
  const holds = new Set<() => void>();

  return {
    start(command, timeoutMs, external) {
      const controller = new AbortController();
      let remaining = timeoutMs;
      let startedAt = 0;
      let timer: NodeJS.Timeout | undefined;
      const expire = () =>
        controller.abort(new WardenError('ETIMEDOUT', `command "${command}" did not finish within ${timeoutMs} ms`));
      const cancel = () => controller.abort(new WardenError('ECANCELED', `command "${command}" was cancelled`));
      const call: Call = {
        ended: false,
        holds: 0,
        watchers: new Set(),
        pause() {
          if (timer === undefined) return;
          clearTimeout(timer);
          timer = undefined;
          remaining -= performance.now() - startedAt;
        },
        resume() {
          if (timer !== undefined || call.ended || controller.signal.aborted) return;
          startedAt = performance.now();
          timer = setTimeout(expire, Math.max(0, remaining));
        },
      };
      const end = () => {
        if (call.ended) return;
        call.ended = true;
        clearTimeout(timer);
        timer = undefined;
        external?.removeEventListener('abort', cancel);
        running.delete(call);
        for (const w of [...call.watchers]) w();
      };
      running.add(call);
      call.resume();
      if (external?.aborted) cancel();
      else external?.addEventListener('abort', cancel, { once: true });
      // A timeout or a cancellation ends the call at once, before its promise settles.
      controller.signal.addEventListener('abort', end, { once: true });
      return { signal: controller.signal, end };
    },

    hold(): PromptHold {
      const controller = new AbortController();
      const owners = [...running];
      let released = false;
      const withdraw = () => {
        holds.delete(withdraw);
        if (!controller.signal.aborted) controller.abort();
      };
      const check = () => {
        if (owners.every((c) => c.ended)) withdraw();
      };
      for (const c of owners) {
        if (c.holds++ === 0) c.pause();
        c.watchers.add(check);
      }
      holds.add(withdraw);
      return {
        ended: controller.signal,
        release() {
          if (released) return;
          released = true;
          holds.delete(withdraw);
          for (const c of owners) {
            c.watchers.delete(check);
            if (--c.holds === 0) c.resume();
          }
        },
      };
    },

    endAll() {
      for (const withdraw of [...holds]) withdraw();
    },
  };
}
