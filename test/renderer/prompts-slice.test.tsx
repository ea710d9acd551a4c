import { beforeEach, describe, expect, it } from 'vitest';
import { FakeBridge } from './fake-bridge';
import { prompt } from './fixtures';
import { settle, startStore, store } from './helpers';

let bridge: FakeBridge;
beforeEach(async () => {
  bridge = new FakeBridge().handle('prompts.pending', () => [prompt({ promptId: 'p0' })]);
  await startStore(bridge);
});

describe('prompts slice', () => {
  it('loads pending prompts, then queues opened ones once each, oldest first', () => {
    expect(store().prompts.map((p) => p.promptId)).toEqual(['p0']);
    bridge.emit('prompts.opened', prompt({ promptId: 'p1' }));
    bridge.emit('prompts.opened', prompt({ promptId: 'p1' }));
    expect(store().prompts.map((p) => p.promptId)).toEqual(['p0', 'p1']);
  });

  it('drops a prompt when it closes, and does not bring it back from a late list', async () => {
    bridge.emit('prompts.closed', { promptId: 'p0', answer: 'timeout' });
    expect(store().prompts).toEqual([]);
    bridge.emit('prompts.opened', prompt({ promptId: 'p0' }));
    await store().loadPendingPrompts();
    expect(store().prompts).toEqual([]);
  });

  it('refreshes grants when a prompt closes (an always-answer changes them)', async () => {
    const before = bridge.callsOf('permissions.grants').length;
    bridge.emit('prompts.closed', { promptId: 'p0', answer: 'allow-always' });
    await settle();
    expect(bridge.callsOf('permissions.grants').length).toBe(before + 1);
  });

  it('answers and removes the prompt', async () => {
    bridge.handle('prompts.answer', () => ({}));
    expect(await store().answerPrompt('p0', { kind: 'allow-always', scope: 'parent' })).toBe(true);
    expect(bridge.callsOf('prompts.answer')).toEqual([
      { promptId: 'p0', answer: { kind: 'allow-always', scope: 'parent' } },
    ]);
    expect(store().prompts).toEqual([]);
  });

  it('says so when the answer was not recorded', async () => {
    bridge.handle('prompts.answer', () => ({ error: { code: 'EINVAL', message: 'no such prompt' } }));
    expect(await store().answerPrompt('p0', { kind: 'deny' })).toBe(false);
    expect(store().prompts).toEqual([]);
    expect(store().notices.at(-1)?.text).toMatch(
      /not recorded — That request was not valid\. no such prompt \(EINVAL\)/,
    );
  });
});
