// The native picker and the openExternal confirmation, driven by fake dialog and shell modules.
import { describe, expect, it, vi } from 'vitest';
import {
  confirmOpenExternal,
  createDialogPicker,
  dialogText,
  externalUrlProblem,
  type MessageDialog,
  type OpenDialog,
} from '../../electron/main/dialogs';

vi.mock('electron', () => {
  throw new Error('unit tests must not load electron');
});

function fakeOpenDialog(result: { canceled: boolean; filePaths: string[] } | Error) {
  const showOpenDialog = vi.fn(async (...args: unknown[]) => {
    void args;
    if (result instanceof Error) throw result;
    return result;
  });
  return { dialog: { showOpenDialog } as unknown as OpenDialog, showOpenDialog };
}

function fakeMessageDialog(response: number) {
  const showMessageBox = vi.fn(async (...args: unknown[]) => {
    void args;
    return { response, checkboxChecked: false };
  });
  return { dialog: { showMessageBox } as unknown as MessageDialog, showMessageBox };
}

const fakeShell = () => ({ openExternal: vi.fn(async () => {}) });

describe('createDialogPicker', () => {
  it('opens a file dialog and resolves the chosen path', async () => {
    const f = fakeOpenDialog({ canceled: false, filePaths: ['/home/me/notes.txt'] });
    const picked = await createDialogPicker(f.dialog).pick({ extensionName: 'Notes', kind: 'file' });
    expect(picked).toBe('/home/me/notes.txt');
    const options = f.showOpenDialog.mock.calls[0]![0] as Electron.OpenDialogOptions;
    expect(options.properties).toContain('openFile');
    expect(options.properties).not.toContain('openDirectory');
    expect(options.properties).not.toContain('multiSelections');
    expect(options.title).toContain('Notes');
  });

  it('asks for a folder when the kind is directory', async () => {
    const f = fakeOpenDialog({ canceled: false, filePaths: ['/home/me/Documents'] });
    await createDialogPicker(f.dialog).pick({ extensionName: 'Notes', kind: 'directory', title: 'Where to save' });
    const options = f.showOpenDialog.mock.calls[0]![0] as Electron.OpenDialogOptions;
    expect(options.properties).toContain('openDirectory');
    expect(options.title).toBe('Notes: Where to save');
  });

  it('resolves null when the user cancels, when nothing is chosen, and when the dialog fails', async () => {
    for (const result of [
      { canceled: true, filePaths: ['/ignored'] },
      { canceled: false, filePaths: [] },
      new Error('no display'),
    ]) {
      const f = fakeOpenDialog(result);
      await expect(createDialogPicker(f.dialog).pick({ extensionName: 'x', kind: 'file' })).resolves.toBeNull();
    }
  });

  it('attaches the dialog to the window when there is one', async () => {
    const f = fakeOpenDialog({ canceled: false, filePaths: ['/a'] });
    const window = { id: 1 } as unknown as Electron.BaseWindow;
    await createDialogPicker(f.dialog, () => window).pick({ extensionName: 'x', kind: 'file' });
    expect(f.showOpenDialog.mock.calls[0]![0]).toBe(window);
  });

  it('strips control and bidi characters from extension-supplied text and bounds its length', async () => {
    const f = fakeOpenDialog({ canceled: true, filePaths: [] });
    await createDialogPicker(f.dialog).pick({
      extensionName: 'Evil\u202Etxt.exe\u0007',
      kind: 'file',
      title: 'x'.repeat(500),
    });
    const options = f.showOpenDialog.mock.calls[0]![0] as Electron.OpenDialogOptions;
    expect(options.title).not.toContain('\u202e');
    expect(options.title).not.toContain('\u0007');
    expect(options.title!.startsWith('Eviltxt.exe: ')).toBe(true);
    expect(options.title!.length).toBeLessThan(220);
    expect(dialogText('a\u2066b\u2069c\u200fd\r\ne')).toBe('abcde');
  });
});

describe('confirmOpenExternal', () => {
  for (const url of [
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://attacker.example/share',
    'ms-settings:',
    'vscode://extension/evil',
    'data:text/html,hi',
    'not a url',
    'https://bank.example@evil.example/',
    'https://user:pw@example.com/',
  ]) {
    it(`refuses ${url} without a dialog`, async () => {
      const d = fakeMessageDialog(1);
      const shell = fakeShell();
      await expect(confirmOpenExternal(d.dialog, shell, url)).resolves.toBe(false);
      expect(d.showMessageBox).not.toHaveBeenCalled();
      expect(shell.openExternal).not.toHaveBeenCalled();
    });
  }

  it('does not open the link when the user cancels', async () => {
    const d = fakeMessageDialog(0);
    const shell = fakeShell();
    await expect(confirmOpenExternal(d.dialog, shell, 'https://example.com/docs')).resolves.toBe(false);
    expect(d.showMessageBox).toHaveBeenCalledTimes(1);
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('shows the full address, defaults to Cancel, and opens only after Open', async () => {
    const d = fakeMessageDialog(1);
    const shell = fakeShell();
    await expect(confirmOpenExternal(d.dialog, shell, 'https://example.com/docs?q=1')).resolves.toBe(true);
    const options = d.showMessageBox.mock.calls[0]![0] as Electron.MessageBoxOptions;
    expect(options.detail).toBe('https://example.com/docs?q=1');
    expect(options.buttons).toEqual(['Cancel', 'Open']);
    expect(options.defaultId).toBe(0);
    expect(options.cancelId).toBe(0);
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/docs?q=1');
  });

  it('opens the normalised URL, not the raw string', async () => {
    const d = fakeMessageDialog(1);
    const shell = fakeShell();
    await confirmOpenExternal(d.dialog, shell, 'HTTP://Example.COM/a b');
    expect(shell.openExternal).toHaveBeenCalledWith('http://example.com/a%20b');
  });

  it('explains why a URL is refused', () => {
    expect(externalUrlProblem('file:///x')).toMatch(/file: scheme/);
    expect(externalUrlProblem('https://example.com/')).toBeUndefined();
  });
});
