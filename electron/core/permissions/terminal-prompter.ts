/**
 * The interactive terminal prompter: one question at a time (across all extensions), Enter or
 * anything unrecognised means deny, end of input means deny, and an aborted prompt (timeout, or
 * the call it was for ended) is withdrawn on screen.
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

/** The longest answer line kept; anything longer is cut (a pasted file must not be held whole). */
const MAX_LINE = 4096;

/**
 * One reader of the answer stream for the whole run, shared by every prompt and the picker:
 * lines are handed out in the order they arrived, so piped answers are consumed one per question
 * (a reader per prompt would swallow the lines buffered behind the first). After the end of
 * input every question is answered at once with `null`.
 */
export interface LineSource {
  /** The next line, `null` at end of input, or `null` when the signal aborts first. */
  next(signal?: AbortSignal): Promise<string | null>;
  /** Stops reading (lets the process exit). */
  close(): void;
}

export function createLineSource(input: NodeJS.ReadableStream): LineSource {
  const lines: string[] = [];
  const waiters: ((line: string | null) => void)[] = [];
  let ended = false;
  let rl: readline.Interface | undefined;
  const start = () => {
    if (rl || ended) return;
    rl = readline.createInterface({ input, terminal: false, crlfDelay: Infinity });
    rl.on('line', (line: string) => {
      const cut = line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line;
      const w = waiters.shift();
      if (w) w(cut);
      // Bounded: answers typed ahead are kept, a flood is not.
      else if (lines.length < 1000) lines.push(cut);
      if (waiters.length === 0) rl?.pause();
    });
    rl.on('close', () => {
      ended = true;
      for (const w of waiters.splice(0)) w(null);
    });
  };
  return {
    next(signal) {
      if (lines.length > 0) return Promise.resolve(lines.shift()!);
      if (ended || signal?.aborted) return Promise.resolve(null);
      start();
      return new Promise((resolve) => {
        const waiter = (line: string | null) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(line);
        };
        const onAbort = () => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) waiters.splice(i, 1);
          resolve(null);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push(waiter);
        rl?.resume();
      });
    },
    close() {
      ended = true;
      for (const w of waiters.splice(0)) w(null);
      rl?.close();
      // readline pauses the stream on close, but a pipe that was read from stays referenced and
      // would keep the CLI alive after its command while the writer holds the pipe open.
      (input as NodeJS.ReadableStream & { unref?(): void }).unref?.();
    },
  };
}

export function createTerminalPrompter(lines: LineSource, output: NodeJS.WritableStream): Prompter {
  let queue: Promise<unknown> = Promise.resolve();
  const ask = async (request: PromptRequest, signal: AbortSignal): Promise<PromptAnswer> => {
    if (signal.aborted) return { kind: 'deny' };
    output.write(`${describePrompt(request).join('\n')}\n> `);
    const line = await lines.next(signal);
    if (line !== null) return answerFromKey(line);
    // Withdrawn on screen: no answer in time, the call it was for has ended, or input ended.
    output.write(
      !signal.aborted
        ? '\n  (no more input: denied)\n'
        : signal.reason === 'withdrawn'
          ? '\n  (prompt withdrawn: the command it was for has ended)\n'
          : '\n  (no answer in time: denied)\n',
    );
    return { kind: 'deny' };
  };
  return {
    prompt(request, signal) {
      const next = queue.then(() => ask(request, signal));
      queue = next.catch(() => {});
      return next;
    },
  };
}
