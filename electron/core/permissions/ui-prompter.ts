/**
 * The prompter behind the desktop panel and headless mode: a prompt becomes a pending entry that
 * is pushed to the UI; the UI answers it by id. An abort (the broker's timeout, or the call it was
 * for has ended) withdraws it, and so does closing the app: no answer is a denial. An answer that
 * arrives for a withdrawn prompt performs nothing; it is reported (audited) as a late answer.
 */
import crypto from 'node:crypto';
import type { PromptData } from '../../common/bridge/schemas';
import type { Prompter, PromptAnswer, PromptRequest } from './prompter';

const MAX_UNANSWERED = 200;

export interface UiPrompter extends Prompter {
  pending(): PromptData[];
  /** True when the prompt was still open and is now answered; a late answer is only reported. */
  answer(promptId: string, answer: PromptAnswer): boolean;
  /** Denies everything still open (shutdown). */
  closeAll(): void;
}

export function createUiPrompter(options: {
  timeoutMs: number;
  onOpen(prompt: PromptData): void;
  /** `answer`: the answer's kind, or how the prompt ended unanswered (`timeout`, `withdrawn`). */
  onClose(promptId: string, answer: string): void;
  /** An answer to a prompt already closed without one (timed out or withdrawn): nothing was done. */
  onLate?(request: PromptRequest, answer: PromptAnswer, closedAs: string): void;
  now?: () => number;
}): UiPrompter {
  const now = options.now ?? Date.now;
  const open = new Map<string, { data: PromptData; settle(a: PromptAnswer, closedAs?: string): void }>();
  /** Prompts closed without an answer, remembered (bounded) so a late answer can be reported. */
  const unanswered = new Map<string, { request: PromptRequest; closedAs: string }>();

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
        const settle = (answer: PromptAnswer, closedAs?: string) => {
          if (!open.delete(promptId)) return;
          signal.removeEventListener('abort', onAbort);
          if (closedAs) {
            unanswered.set(promptId, { request, closedAs });
            if (unanswered.size > MAX_UNANSWERED) unanswered.delete(unanswered.keys().next().value!);
          }
          options.onClose(promptId, closedAs ?? answer.kind);
          resolve(answer);
        };
        const onAbort = () => settle({ kind: 'deny' }, signal.reason === 'withdrawn' ? 'withdrawn' : 'timeout');
        if (signal.aborted) return resolve({ kind: 'deny' });
        signal.addEventListener('abort', onAbort, { once: true });
        open.set(promptId, { data, settle });
        options.onOpen(data);
      });
    },
    pending: () => [...open.values()].map((p) => p.data),
    answer(promptId, answer) {
      const p = open.get(promptId);
      if (!p) {
        const late = unanswered.get(promptId);
        if (late) {
          unanswered.delete(promptId);
          options.onLate?.(late.request, answer, late.closedAs);
        }
        return false;
      }
      p.settle(answer);
      return true;
    },
    closeAll() {
      for (const p of [...open.values()]) p.settle({ kind: 'deny' });
    },
  };
}
