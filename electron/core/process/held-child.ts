/**
 * A child launched before its owner exists: a warm pool's waiting process (warm-pool.ts), or an
 * extension's process started while its files are still read and checked (activation.ts). What
 * it says meanwhile is kept (bounded) and replayed to the owner that adopts it.
 */
import type { ChannelViolation, ExitInfo, ExtensionChild } from './launcher';

/** Messages and output lines kept per waiting child: before `init` it sends only its hello. */
const MAX_HELD = 16;

export interface HeldChild {
  child: ExtensionChild;
  buffered: unknown[];
  output: string[];
  exit?: ExitInfo;
}

export function holdChild(child: ExtensionChild): HeldChild {
  const w: HeldChild = { child, buffered: [], output: [] };
  child.onMessage((m) => w.buffered.length < MAX_HELD && w.buffered.push(m));
  child.onOutput((line) => w.output.length < MAX_HELD && w.output.push(line));
  child.onExit((info) => (w.exit = info));
  return w;
}

/** Hands a held child to its owner, replaying what it sent while waiting. */
export function adoptChild(w: HeldChild): ExtensionChild {
  const messageListeners: Array<(m: unknown) => void> = [];
  let replayed = false;
  w.child.onMessage((m) => {
    if (replayed) messageListeners.forEach((l) => l(m));
  });
  return {
    get pid() {
      return w.child.pid;
    },
    onMessage(listener) {
      messageListeners.push(listener);
      if (!replayed) {
        // After the owner's constructor has attached all its listeners.
        queueMicrotask(() => {
          if (replayed) return;
          replayed = true;
          for (const m of w.buffered.splice(0)) messageListeners.forEach((l) => l(m));
        });
      }
    },
    onViolation: (l: (v: ChannelViolation) => void) => w.child.onViolation(l),
    onOutput(listener) {
      for (const line of w.output) listener(line);
      w.child.onOutput(listener);
    },
    onExit(listener) {
      if (w.exit) queueMicrotask(() => listener(w.exit!));
      else w.child.onExit(listener);
    },
    send: (message, onFlushed) => w.child.send(message, onFlushed),
    ...(w.child.outbound ? { outbound: () => w.child.outbound!() } : {}),
    kill: () => w.child.kill(),
  };
}
