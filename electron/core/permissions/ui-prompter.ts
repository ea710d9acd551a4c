/**
 * The prompter behind the desktop panel and headless mode: a prompt becomes a pending entry that
 * is pushed to the UI; the UI answers it by id. An abort (the broker's timeout) withdraws it, and
 * so does closing the app: no answer is a denial.
 */
import crypto from 'node:crypto';
import type { PromptData } from '../../common/bridge/schemas';
import type { Prompter, PromptAnswer } from './prompter';

export interface UiPrompter extends Prompter {
  pending(): PromptData[];
  /** True when the prompt was still open and is now answered. */
  answer(promptId: string, answer: PromptAnswer): boolean;
  /** Denies everything still open (shutdown). */
  closeAll(): void;
}

export function createUiPrompter(options: {
  timeoutMs: number;
  onOpen(prompt: PromptData): void;
  onClose(promptId: string, answer: string): void;
  now?: () => number;
}): UiPrompter {
  const now = options.now ?? Date.now;
  const open = new Map<string, { data: PromptData; settle(a: PromptAnswer): void }>();

  return {
    prompt(request, signal) {
      return new Promise<PromptAnswer>((resolve) => {
        const promptId = crypto.randomUUID();
        const data: PromptData = {
          promptId,
          extensionId: request.extensionId,
          extensionName: request.extensionName,
          publisher: request.publisher,
          capability: request.capability,
          target: request.target,
          declaredScope: request.declaredScope,
          scopes: request.scopes,
          ...(request.reason ? { reason: request.reason } : {}),
          expiresAt: now() + options.timeoutMs,
        };
        const settle = (answer: PromptAnswer) => {
          if (!open.delete(promptId)) return;
          signal.removeEventListener('abort', onAbort);
          options.onClose(promptId, answer.kind);
          resolve(answer);
        };
        const onAbort = () => settle({ kind: 'deny' });
        if (signal.aborted) return resolve({ kind: 'deny' });
        signal.addEventListener('abort', onAbort, { once: true });
        open.set(promptId, { data, settle });
        options.onOpen(data);
      });
    },
    pending: () => [...open.values()].map((p) => p.data),
    answer(promptId, answer) {
      const p = open.get(promptId);
      if (!p) return false;
      p.settle(answer);
      return true;
    },
    closeAll() {
      for (const p of [...open.values()]) p.settle({ kind: 'deny' });
    },
  };
}
