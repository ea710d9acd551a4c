/** Where `host.ui.notify` messages go: the desktop notification in the app, stderr in the CLI. */
export type NotifyLevel = 'info' | 'warning' | 'error';

export interface Notifier {
  notify(extensionName: string, message: string, level: NotifyLevel): Promise<void>;
}

// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

/** A notification is plain, single-line text of bounded length, whoever displays it. */
export function cleanNotification(message: string, max = 500): string {
  const clean = message.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

export function createStreamNotifier(write: (text: string) => void): Notifier {
  return {
    async notify(name, message, level) {
      write(`[notification${level === 'info' ? '' : ` ${level}`}] ${name}: ${cleanNotification(message)}\n`);
    },
  };
}
