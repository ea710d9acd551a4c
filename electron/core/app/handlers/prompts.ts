/** `prompts.*`: the permission prompts open in the UI, and the user's answers. */
import { WardenError } from '../../../common/errors';
import type { HandlerDeps, Handlers } from './types';

export function promptHandlers(d: HandlerDeps): Handlers<'prompts.pending' | 'prompts.answer'> {
  return {
    'prompts.pending': async () => d.prompter.pending(),
    'prompts.answer': async ({ promptId, answer }) => {
      if (!d.prompter.answer(promptId, answer)) throw new WardenError('ENOENT', 'that prompt is no longer open');
      return {};
    },
  };
}
