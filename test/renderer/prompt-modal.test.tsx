import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBridge } from './fake-bridge';
import { prompt } from './fixtures';
import { renderApp, settle } from './helpers';

afterEach(cleanup);

async function withPrompt(overrides = {}) {
  const bridge = new FakeBridge().handle('prompts.answer', () => ({}));
  await renderApp(bridge);
  await act(async () => bridge.emit('prompts.opened', prompt(overrides)));
  return bridge;
}

describe('permission prompt', () => {
  it('shows host-derived facts in Warden chrome, with the extension reason marked as such', async () => {
    await withPrompt();
    const modal = screen.getByTestId('prompt-modal');
    expect(modal.getAttribute('role')).toBe('alertdialog');
    expect(modal.getAttribute('aria-modal')).toBe('true');
    expect(modal.querySelector('.dialog-header')?.textContent).toMatch(/Warden · Permission request/);
    expect(screen.getByTestId('prompt-extension').textContent).toBe('Word Count');
    expect(screen.getByTestId('prompt-publisher').textContent).toBe('acme');
    expect(screen.getByTestId('prompt-capability').textContent).toMatch(/fs\.read/);
    expect(screen.getByTestId('prompt-target').textContent).toBe('/home/u/Documents/notes/today.md');
    expect(screen.getByTestId('prompt-scope').textContent).toBe('~/Documents/**');
    const reason = screen.getByTestId('prompt-reason');
    expect(reason.textContent).toMatch(/Reason given by the extension/);
    expect(reason.textContent).toMatch(/To count the words in your notes/);
    expect(screen.getByTestId('prompt-countdown').textContent).toMatch(/No answer in (59|60) s means deny/);
    // The rest of the window cannot be reached.
    expect(document.querySelector('.app')?.hasAttribute('inert')).toBe(true);
  });

  it('puts the default focus on Deny', async () => {
    await withPrompt();
    expect(document.activeElement).toBe(screen.getByTestId('prompt-deny'));
  });

  it('Escape denies', async () => {
    const bridge = await withPrompt();
    await act(async () => {
      fireEvent.keyDown(screen.getByTestId('prompt-deny'), { key: 'Escape' });
      await settle();
    });
    expect(bridge.callsOf('prompts.answer')).toEqual([{ promptId: 'p1', answer: { kind: 'deny' } }]);
    expect(screen.queryByTestId('prompt-modal')).toBeNull();
  });

  it('keeps Tab inside the dialog', async () => {
    await withPrompt();
    // Closed disclosure: its summary is the last stop.
    const last = screen.getByTestId('prompt-more').querySelector('summary')!;
    const first = document.querySelector('.prompt-details summary') as HTMLElement;
    last.focus();
    fireEvent.keyDown(document.activeElement!, { key: 'Tab' });
    expect(document.activeElement).toBe(first);
    fireEvent.keyDown(document.activeElement!, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(last);
    // Open: "Always deny" inside it is the last stop.
    (screen.getByTestId('prompt-more') as HTMLDetailsElement).open = true;
    first.focus();
    fireEvent.keyDown(document.activeElement!, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(screen.getByTestId('prompt-deny-always'));
  });

  it('reads as one plain sentence with three answers, Deny first', async () => {
    await withPrompt();
    const sentence = document.getElementById('prompt-sentence')!.textContent;
    expect(sentence).toBe('Word Count (by acme) wants to read /home/u/Documents/notes/today.md');
    const buttons = [...screen.getByTestId('prompt-modal').querySelectorAll('.prompt-row button')];
    expect(buttons.map((b) => b.textContent)).toEqual(['Deny', 'Allow once', 'Always allow']);
    // The scope choice is behind a closed disclosure that says in words what "always" covers.
    const more = screen.getByTestId('prompt-more') as HTMLDetailsElement;
    expect(more.open).toBe(false);
    expect(more.querySelector('summary')!.textContent).toMatch(/“Always allow” covers only this item/);
  });

  it.each([
    ['prompt-allow-once', { kind: 'allow-once' }],
    ['prompt-allow-always', { kind: 'allow-always', scope: 'item' }],
    ['prompt-deny-always', { kind: 'deny-always' }],
  ])('%s answers %o', async (testId, answer) => {
    const bridge = await withPrompt();
    await act(async () => {
      fireEvent.click(screen.getByTestId(testId));
      await settle();
    });
    expect(bridge.callsOf('prompts.answer')).toEqual([{ promptId: 'p1', answer }]);
  });

  it.each([
    ['parent', /this folder and everything in it/],
    ['declared', /everything it declared/],
  ] as const)('Always allow with the %s scope chosen in the disclosure', async (scope, words) => {
    const bridge = await withPrompt();
    fireEvent.click(screen.getByTestId(`prompt-scope-${scope}`));
    expect(screen.getByTestId('prompt-more').querySelector('summary')!.textContent).toMatch(words);
    // Choosing a scope never answers by itself, and Deny keeps the default focus.
    expect(bridge.callsOf('prompts.answer')).toEqual([]);
    await act(async () => {
      fireEvent.click(screen.getByTestId('prompt-allow-always'));
      await settle();
    });
    expect(bridge.callsOf('prompts.answer')).toEqual([{ promptId: 'p1', answer: { kind: 'allow-always', scope } }]);
  });

  it('labels the scopes by capability in words and shows each exact scope', async () => {
    await withPrompt({
      capability: 'net',
      target: 'https://api.example.com/v1',
      scopes: {
        item: 'https://api.example.com/v1',
        parent: 'https://api.example.com/**',
        declared: 'https://*.example.com/**',
      },
    });
    expect(document.getElementById('prompt-sentence')!.textContent).toMatch(
      /wants to connect to https:\/\/api\.example\.com\/v1$/,
    );
    const option = (s: string) => screen.getByTestId(`prompt-scope-${s}`).closest('label')!.textContent;
    expect(option('item')).toBe('only this addresshttps://api.example.com/v1');
    expect(option('parent')).toBe('everything on this hosthttps://api.example.com/**');
    expect(option('declared')).toBe('everything it declaredhttps://*.example.com/**');
  });

  it('shows the next queued prompt when one closes elsewhere, and strips control characters from extension text', async () => {
    const bridge = await withPrompt({ reason: 'evil\u202Etxt.exe\u0007' });
    const shown = screen.getByTestId('prompt-reason').textContent ?? '';
    expect(shown.includes('\u202E') || shown.includes('\u0007')).toBe(false);
    expect(shown).toMatch(/evil\uFFFDtxt\.exe\uFFFD/);
    await act(async () => bridge.emit('prompts.opened', prompt({ promptId: 'p2', target: '/second' })));
    expect(screen.getByTestId('prompt-modal').textContent).toMatch(/1 more waiting/);
    await act(async () => bridge.emit('prompts.closed', { promptId: 'p1', answer: 'timeout' }));
    expect(screen.getByTestId('prompt-target').textContent).toBe('/second');
    expect(document.activeElement).toBe(screen.getByTestId('prompt-deny'));
    await act(async () => bridge.emit('prompts.closed', { promptId: 'p2', answer: 'deny' }));
    expect(screen.queryByTestId('prompt-modal')).toBeNull();
    expect(document.querySelector('.app')?.hasAttribute('inert')).toBe(false);
  });
});
