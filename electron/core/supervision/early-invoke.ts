// The first command of an extension whose process is still starting (see invokeWhileStarting).
import { WardenError } from '../../common/errors';
import type { CommandResult } from '../../common/command-result';
import type { DataValue } from '../../common/data-value';
import type { ExtensionProcess } from '../process/extension-process';
import type { Entry, InvokeOptions } from './types';
import type { CallClock } from './call-clocks';

/**
 * The first command of a process that is starting is sent with its `init` (the child runs it
 * once activate() has finished), saving the round trip after `ready`. What the caller sees is
 * unchanged: a start that fails throws the start's error, the command is recorded once the
 * extension runs, and its own clock (timeout, prompt pauses) runs from then, as for any command.
 */
export async function invokeWhileStarting(
  e: Entry,
  proc: ExtensionProcess,
  starting: Promise<ExtensionProcess>,
  command: string,
  args: DataValue,
  opts: InvokeOptions & { timeoutMs: number; ran(): void },
): Promise<CommandResult> {
  const early = new AbortController();
  const cancel = () => early.abort(new WardenError('ECANCELED', `command "${command}" was cancelled`));
  if (opts.signal?.aborted) cancel();
  else opts.signal?.addEventListener('abort', cancel, { once: true });
  // The command's own clock (its timeout, paused while a prompt it waits on is open) runs from
  // `ready`, started as that message is read: the child runs the command right after it, and its
  // first host call must find the clock running.
  let clock: CallClock | undefined;
  proc.onReady(() => {
    if (early.signal.aborted) return; // cancelled before it could run: no clock, no prompt holds
    clock = e.calls.start(command, opts.timeoutMs, opts.signal);
    const expire = () => early.abort(clock!.signal.reason);
    if (clock.signal.aborted) expire();
    else clock.signal.addEventListener('abort', expire, { once: true });
  });
  const result = proc.invoke(command, args, { signal: early.signal, onProgress: opts.onProgress });
  result.catch(() => {}); // observed below, once the start has settled
  try {
    await starting;
  } catch (err) {
    clock?.end();
    early.abort(err);
    throw err; // the start's own error (it names a syntax error's line), not the process's
  } finally {
    opts.signal?.removeEventListener('abort', cancel);
  }
  opts.ran();
  try {
    return await result;
  } finally {
    clock?.end();
  }
}
