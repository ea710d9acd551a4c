/**
 * Errors as people read them: a sentence first, then what they can do about it. The code (and
 * the host's message) stay visible after it, for developers and bug reports.
 */
import type { ErrorData } from '../../../electron/common/error-schema';

/** What the user can do next: ask for the permission again, release the extension, or review grants. */
export type ErrorAction = 'ask-again' | 'release' | 'manage-permissions' | 'run-again';

export interface ErrorText {
  sentence: string;
  actions: ErrorAction[];
}

const BY_CODE: Record<ErrorData['code'], ErrorText> = {
  EPERM: { sentence: 'Warden did not allow this.', actions: ['manage-permissions'] },
  ENOENT: { sentence: 'Something it needed does not exist.', actions: [] },
  EEXIST: { sentence: 'Something with that name already exists.', actions: [] },
  EISDIR: { sentence: 'It expected a file but was given a folder.', actions: [] },
  ENOTDIR: { sentence: 'It expected a folder but was given a file.', actions: [] },
  EINVAL: { sentence: 'That request was not valid.', actions: [] },
  E2BIG: { sentence: 'The data was too large.', actions: [] },
  EQUOTA: { sentence: 'The extension went over one of its limits and was stopped.', actions: ['run-again'] },
  ERATE: { sentence: 'The extension made too many requests too quickly.', actions: ['run-again'] },
  ETIMEDOUT: { sentence: 'It took too long and was stopped.', actions: ['run-again'] },
  ECANCELED: { sentence: 'It was cancelled.', actions: ['run-again'] },
  ENET: { sentence: 'A network request failed.', actions: ['run-again'] },
  EINTERNAL: { sentence: 'Something went wrong inside Warden.', actions: ['run-again'] },
  ENOSYS: { sentence: 'The extension used a Warden feature that has been removed; it needs an update.', actions: [] },
  EEXTENSION: { sentence: 'The extension’s own code failed.', actions: [] },
};

/** The sentence and the actions for `error`. */
export function errorText(error: ErrorData): ErrorText {
  if (error.code === 'EPERM') {
    if (/\bquarantined\b/i.test(error.message)) {
      return {
        sentence: 'This extension is quarantined after repeated problems, so it cannot run.',
        actions: ['release'],
      };
    }
    switch (error.reason) {
      case 'denied':
        return { sentence: 'You denied this permission.', actions: ['ask-again', 'manage-permissions'] };
      case 'timeout':
        return {
          sentence: 'No one answered the permission request in time, so it was denied.',
          actions: ['ask-again'],
        };
      case 'policy':
        return { sentence: 'Your organisation’s policy does not allow this.', actions: ['manage-permissions'] };
      case 'undeclared':
        return {
          sentence: 'The extension tried something its manifest does not declare, so Warden refused.',
          actions: [],
        };
    }
  }
  return BY_CODE[error.code];
}

/** One line for a notice: the sentence, the host's message, and the code last. */
export function describeErrorText(error: ErrorData): string {
  const { sentence } = errorText(error);
  return `${sentence} ${error.message} (${error.code}${error.reason ? `, ${error.reason}` : ''})`;
}
