/** Where `host.ui.notify` messages go: the desktop notification in the app, stderr in the CLI. */
import { plainLine } from '../../common/plain-text';

export type NotifyLevel = 'info' | 'warning' | 'error';

export interface Notifier {
  notify(extensionName: string, message: string, level: NotifyLevel): Promise<void>;
}

/** A notification is plain, single-line text of bounded length, whoever displays it. */
export function cleanNotification(message: string, max = 500): string {
  return plainLine(message, max);
}

export function createStreamNotifier(write: (text: string) => void): Notifier {
  return {
    async notify(name, message, level) {
      write(`[notification${level === 'info' ? '' : ` ${level}`}] ${name}: ${cleanNotification(message)}\n`);
    },
  };
}
