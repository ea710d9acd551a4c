/**
 * The interactive terminal prompter: one question at a time (across all extensions), Enter or
 * anything unrecognised means deny, and an aborted prompt (timeout) is withdrawn on screen.
 */
import readline from 'node:readline';
import type { Prompter, PromptAnswer, PromptRequest } from './prompter';

const VERBS: Record<PromptRequest['capability'], string> = {
  'fs.read': 'read',
  'fs.write': 'write',
  net: 'connect to',
  secrets: 'use the secret',
  notifications: 'show notifications',
};

export function describePrompt(r: PromptRequest): string[] {
  const lines = [
    `Warden: "${r.extensionName}" (${r.extensionId}, publisher ${r.publisher}) asks to ${VERBS[r.capability]}:`,
    `    ${r.target}`,
    `  declared in its manifest: ${r.declaredScope.join(', ') || '(nothing)'}`,
  ];
  if (r.reason) lines.push(`  reason given by the extension: "${r.reason}"`);
  lines.push(
    `  [o] allow once   [a] always allow ${r.scopes.item}   [f] always allow ${r.scopes.parent}`,
    `  [s] always allow ${r.scopes.declared}   [d] deny (default)   [n] always deny`,
  );
  return lines;
}

export function answerFromKey(key: string): PromptAnswer {
  switch (key.trim().toLowerCase()) {
    case 'o':
      return { kind: 'allow-once' };
    case 'a':
      return { kind: 'allow-always', scope: 'item' };
    case 'f':
      return { kind: 'allow-always', scope: 'parent' };
    case 's':
      return { kind: 'allow-always', scope: 'declared' };
    case 'n':
      return { kind: 'deny-always' };
    default:
      return { kind: 'deny' };
  }
}

export function createTerminalPrompter(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Prompter {
  let queue: Promise<unknown> = Promise.resolve();
  const ask = (request: PromptRequest, signal: AbortSignal) =>
    new Promise<PromptAnswer>((resolve) => {
      if (signal.aborted) return resolve({ kind: 'deny' });
      const rl = readline.createInterface({ input, output, terminal: false });
      let settled = false;
      // Settle before closing: close() emits 'close' synchronously, which would answer "deny".
      const done = (answer: PromptAnswer) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        resolve(answer);
        rl.close();
      };
      const onAbort = () => {
        output.write('\n  (no answer in time: denied)\n');
        done({ kind: 'deny' });
      };
      signal.addEventListener('abort', onAbort, { once: true });
      rl.once('line', (line) => done(answerFromKey(line)));
      rl.once('close', () => done({ kind: 'deny' }));
      output.write(`${describePrompt(request).join('\n')}\n> `);
    });
  return {
    prompt(request, signal) {
      const next = queue.then(() => ask(request, signal));
      queue = next.catch(() => {});
      return next;
    },
  };
}
