/**
 * Permission prompts waiting for the user, oldest first. They arrive with `prompts.opened` (and
 * `prompts.pending` after a (re)connect) and leave with `prompts.closed`, whoever answered them
 * (this window, another one, or the host's timeout).
 */
import type { PromptData } from '../../../electron/common/bridge/schemas';
import type { z } from 'zod';
import type { PromptAnswerSchema } from '../../../electron/common/bridge/schemas';
import { describeError } from './call';
import type { SliceCreator } from './types';

export type PromptAnswer = z.infer<typeof PromptAnswerSchema>;

export interface PromptsSlice {
  prompts: PromptData[];
  /** Prompt ids whose answer is being sent (their buttons disable). */
  answering: Record<string, true>;
  /** Recently closed ids, so a late `pending` answer or a stale event cannot bring one back. */
  closedPromptIds: string[];
  loadPendingPrompts(): Promise<void>;
  receivePrompt(prompt: PromptData): void;
  closePrompt(promptId: string): void;
  answerPrompt(promptId: string, answer: PromptAnswer): Promise<boolean>;
}

/** How many closed ids are remembered. */
const CLOSED_MEMORY = 200;

export const createPromptsSlice: SliceCreator<PromptsSlice> = (set, get) => {
  /** The state after `id` closed: gone from the queue, remembered as closed. */
  const without = (id: string) => {
    const { [id]: _gone, ...answering } = get().answering;
    return {
      prompts: get().prompts.filter((p) => p.promptId !== id),
      answering,
      closedPromptIds: [...get().closedPromptIds.filter((c) => c !== id), id].slice(-CLOSED_MEMORY),
    };
  };
  return {
    prompts: [],
    answering: {},
    closedPromptIds: [],
    loadPendingPrompts: async () => {
      const r = await get().bridge.call('prompts.pending', {});
      if (!r.ok) return;
      const known = new Set(get().prompts.map((p) => p.promptId));
      const closed = new Set(get().closedPromptIds);
      const fresh = r.value.filter((p) => !known.has(p.promptId) && !closed.has(p.promptId));
      const live = new Set(r.value.map((p) => p.promptId));
      // The host's list is the truth for what is pending; keep local order for those still open.
      set({ prompts: [...get().prompts.filter((p) => live.has(p.promptId)), ...fresh] });
    },
    receivePrompt: (prompt) => {
      if (get().closedPromptIds.includes(prompt.promptId)) return;
      if (get().prompts.some((p) => p.promptId === prompt.promptId)) return;
      set({ prompts: [...get().prompts, prompt] });
    },
    closePrompt: (promptId) => {
      set(without(promptId));
      // An "always" answer (here or elsewhere) changes the grants.
      void get().loadGrants();
    },
    answerPrompt: async (promptId, answer) => {
      if (get().answering[promptId]) return false;
      set({ answering: { ...get().answering, [promptId]: true } });
      const r = await get().bridge.call('prompts.answer', { promptId, answer });
      if (!r.ok) {
        // Most likely it timed out or was answered elsewhere: either way it is no longer open.
        get().notify('error', `Your answer was not recorded — ${describeError(r.error)}`);
      }
      set(without(promptId));
      return r.ok;
    },
  };
};
