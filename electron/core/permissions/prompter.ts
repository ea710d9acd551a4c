/**
 * Asking the user. The prompt is built by the host from host-derived facts (extension name,
 * publisher, capability, exact target, declared scope); the extension contributes at most a
 * short plain-text reason, stripped of control and bidi characters and capped. Implementations:
 * terminal (interactive), scripted (`--allow fs.read=~/Documents`), always-deny; the desktop
 * dialog implements the same interface.
 */
import type { Capability } from '../../common/protocol';
import { plainLine } from '../../common/plain-text';

export const MAX_REASON_LENGTH = 200;

export type AllowScope = 'item' | 'parent' | 'declared';

export type PromptAnswer =
  { kind: 'allow-once' } | { kind: 'allow-always'; scope: AllowScope } | { kind: 'deny' } | { kind: 'deny-always' };

export interface PromptRequest {
  extensionId: string;
  extensionName: string;
  publisher: string;
  capability: Capability;
  /** The exact target, as the user should read it (`~/Documents/a.txt`, a URL, a secret name). */
  target: string;
  /** The same target in canonical form (absolute real path, normalised URL): what rules match. */
  canonicalTarget: string;
  /** The manifest's declared patterns for this capability. */
  declaredScope: string[];
  /** What "allow always" can cover, for the answer choices. */
  scopes: { item: string; parent: string; declared: string };
  reason?: string;
}

export interface Prompter {
  /** Must settle or be aborted; the broker treats rejection, abort and timeout as deny. */
  prompt(request: PromptRequest, signal: AbortSignal): Promise<PromptAnswer>;
}

/** Plain, single-line, capped text from an extension for a prompt. */
export function sanitizeReason(reason: unknown): string | undefined {
  if (typeof reason !== 'string') return undefined;
  return plainLine(reason, MAX_REASON_LENGTH) || undefined;
}

export function createDenyAllPrompter(): Prompter {
  return { prompt: async () => ({ kind: 'deny' }) };
}

export interface ScriptedRule {
  capability: Capability;
  /** A pattern in the manifest's syntax, matched by the broker's matcher; `*` = any target. */
  pattern: string;
  answer: 'allow' | 'deny';
}

/**
 * Answers from rules given up front (`--allow`, `--deny`, `--deny-all`). A matching deny rule
 * wins; with no matching rule the answer is deny. Allowances are "once": scripted runs leave no
 * stored grants behind.
 */
export function createScriptedPrompter(
  rules: ScriptedRule[],
  matches: (capability: Capability, pattern: string, target: string) => boolean,
): Prompter {
  return {
    async prompt(request) {
      const hits = rules.filter(
        (r) =>
          r.capability === request.capability &&
          (r.pattern === '*' || matches(request.capability, r.pattern, request.canonicalTarget)),
      );
      if (hits.some((r) => r.answer === 'deny') || hits.length === 0) return { kind: 'deny' };
      return { kind: 'allow-once' };
    },
  };
}

/** Parses `--allow fs.read=~/Documents` / `--deny net=https://x.test/**` values. */
export function parseScriptedRule(text: string, answer: 'allow' | 'deny'): ScriptedRule | undefined {
  const eq = text.indexOf('=');
  const capability = (eq < 0 ? text : text.slice(0, eq)) as Capability;
  if (!['fs.read', 'fs.write', 'net', 'secrets', 'notifications'].includes(capability)) return undefined;
  let pattern = eq < 0 ? '*' : text.slice(eq + 1);
  if (!pattern) return undefined;
  // `--allow fs.read=~/Documents` means the folder and everything in it.
  if ((capability === 'fs.read' || capability === 'fs.write') && pattern !== '*' && !/[*?]/.test(pattern)) {
    pattern = `${pattern.replace(/\/+$/, '')}/**`;
  }
  if (capability === 'net' && pattern !== '*' && /^https?:\/\/[^/]+$/.test(pattern)) pattern = `${pattern}/**`;
  return { capability, pattern, answer };
}
