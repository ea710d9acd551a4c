// A launcher that shows a test every message the host sends to the children it launches, before
// the child receives it (to record what was sent, or to act in the window before a message lands).
import type { ExtensionChild, LaunchSpec, Launcher } from '../../electron/core/process/launcher';

type SentMessage = Parameters<ExtensionChild['send']>[0];

export function withSendHook(
  inner: Launcher,
  hook: (message: SentMessage, child: ExtensionChild, spec: LaunchSpec) => void,
): Launcher {
  return {
    wall: inner.wall,
    launch(spec: LaunchSpec): ExtensionChild {
      const child = inner.launch(spec);
      return {
        get pid() {
          return child.pid;
        },
        onMessage: (l) => child.onMessage(l),
        onViolation: (l) => child.onViolation(l),
        onOutput: (l) => child.onOutput(l),
        onExit: (l) => child.onExit(l),
        ...(child.outbound ? { outbound: () => child.outbound!() } : {}),
        kill: () => child.kill(),
        send(m, onFlushed) {
          hook(m, child, spec);
          child.send(m, onFlushed);
        },
      };
    },
  };
}
