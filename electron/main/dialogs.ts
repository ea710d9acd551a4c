/**
 * Native dialogs: the file/folder picker extensions ask for (`host.pickFile` → the core's
 * `Picker`), and the confirmation before a link leaves the app (`app.openExternal`).
 * Permission prompts are not here: they are shown in the window, through the bridge.
 */
import type {
  BaseWindow,
  MessageBoxOptions,
  MessageBoxReturnValue,
  OpenDialogOptions,
  OpenDialogReturnValue,
  Shell,
} from 'electron';
import type { Picker } from '../core';
import { stripUnsafe } from '../common/plain-text';

export interface OpenDialog {
  showOpenDialog(options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  showOpenDialog(window: BaseWindow, options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
}

export interface MessageDialog {
  showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue>;
  showMessageBox(window: BaseWindow, options: MessageBoxOptions): Promise<MessageBoxReturnValue>;
}

/** The window dialogs attach to (modal), if there is one. */
export type ParentWindow = () => BaseWindow | null | undefined;

/**
 * Text an extension supplied, made safe to show in a native dialog: no control or bidi
 * characters (which could reorder or hide what the user reads), and a bounded length.
 */
export function dialogText(text: string, max = 120): string {
  return stripUnsafe(text, max);
}

/**
 * The core's `Picker` on Electron's open dialog.
 *
 * @param dialog - Electron's `dialog` (or a fake).
 * @param parent - the window to attach the dialog to.
 * @returns a Picker resolving the chosen path, or null when the user cancels (or the dialog fails).
 */
export function createDialogPicker(dialog: OpenDialog, parent?: ParentWindow): Picker {
  return {
    async pick({ extensionName, kind, title }) {
      const name = dialogText(extensionName, 80);
      const options: OpenDialogOptions = {
        title: title
          ? `${name}: ${dialogText(title)}`
          : `${name} asks you to choose a ${kind === 'directory' ? 'folder' : 'file'}`,
        message: `Only what you choose here is shared with ${name}.`,
        properties: [kind === 'directory' ? 'openDirectory' : 'openFile', 'dontAddToRecent'],
      };
      try {
        const window = parent?.();
        const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
        const chosen = result.canceled ? undefined : result.filePaths[0];
        return typeof chosen === 'string' && chosen !== '' ? chosen : null;
      } catch {
        return null; // nothing was chosen: the extension gets no path
      }
    },
  };
}

/** Why a URL may not be opened, or undefined when it may (after the user agrees). */
export function externalUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `the ${url.protocol} scheme is not allowed`;
  // `https://bank.example@evil.example/` reads as the bank but goes to evil.example.
  if (url.username !== '' || url.password !== '') return 'URLs with a user name or password are not allowed';
  if (url.hostname === '') return 'no host';
  return undefined;
}

/**
 * `app.openExternal`: opens an http(s) link in the user's browser after a native confirmation
 * that shows the full address. Any other scheme (file:, smb:, javascript:, custom protocols)
 * is refused without a dialog (Electron security checklist item 15). Cancel is the default
 * button.
 *
 * @returns whether the link was opened.
 */
export async function confirmOpenExternal(
  dialog: MessageDialog,
  shell: Pick<Shell, 'openExternal'>,
  rawUrl: string,
  parent?: ParentWindow,
): Promise<boolean> {
  if (typeof rawUrl !== 'string' || externalUrlProblem(rawUrl) !== undefined) return false;
  const href = new URL(rawUrl).href;
  const options: MessageBoxOptions = {
    type: 'question',
    title: 'Open link',
    message: 'Open this address in your web browser?',
    detail: dialogText(href, 2048),
    buttons: ['Cancel', 'Open'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  };
  const window = parent?.();
  const { response } = window ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
  if (response !== 1) return false;
  await shell.openExternal(href);
  return true;
}
