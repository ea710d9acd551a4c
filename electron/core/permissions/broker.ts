/**
 * The permission broker: decides every request of every capability for one extension.
 *
 *   1. policy forbids                → deny (policy)
 *   2. outside the manifest ceiling  → deny (undeclared), no prompt, counted as a violation
 *   3. policy pre-approves           → allow (policy)
 *   4. a stored answer covers it     → that answer (a stored denial beats an allowance)
 *   5. otherwise ask the user        → one prompt at a time per extension, identical pending
 *                                      requests share one prompt, no answer in time → deny
 *
 * While a request waits for the user, the clocks of the calls it is for stand still; once those
 * calls have all ended the prompt is withdrawn (denied, audited "withdrawn"): an answer given
 * afterwards performs nothing.
 *
 * Deny by default: any exception anywhere in here is a denial. Every decision is audited.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { homeRelative } from './display';
import type { Manifest } from '../../common/manifest';
import type { Capability } from '../../common/protocol';
import type { DenyReason } from '../../common/errors';
import type { AuditLog } from '../platform/audit-log';
import type { Grant, GrantStore, Scope } from './grants';
import { policyVerdict, type Policy } from './policy';
import { patternCacheGeneration, resolvePatternFolders, targetMatches } from './patterns';
import { sanitizeReason, type AllowScope, type Prompter, type PromptAnswer } from './prompter';
import type { Authorizer, Decision, FsKind, PermissionRequest, PromptHolds } from './types';
import type { CanonicalString } from '../gateways/target';

export interface BrokerOptions {
  grants: GrantStore;
  policy: Policy;
  prompter: Prompter;
  audit?: AuditLog;
  promptTimeoutMs?: number;
  /** Pending prompts one extension may queue before further requests are denied. */
  maxQueuedPrompts?: number;
  homeDir?: string;
  /** Applied to all text a prompt shows (stored secret values, credential parameters). */
  redact?: (text: string) => string;
  onViolation?(extensionId: string, detail: string): void;
}

export interface ExtensionIdentity {
  manifest: Manifest;
  /** Publisher identity grants are bound to (the pinned key fingerprint once packages land). */
  publisherKey?: string;
  /**
   * An unsigned developer folder: its id is only what the folder says about itself, so grants bind
   * to the folder's real path as well; another folder declaring the same id inherits nothing.
   */
  devFolder?: string;
}

/** Who stored answers belong to: the signing key, or the publisher name plus the dev folder. */
export function grantHolder({ manifest, publisherKey, devFolder }: ExtensionIdentity): string {
  if (publisherKey) return publisherKey;
  if (devFolder === undefined) return manifest.publisher;
  let real: string;
  try {
    // Synchronous on purpose: this runs once when an extension's authorizer is made (load or
    // install), never while a request waits, and on the one folder the user pointed Warden at.
    real = fs.realpathSync(devFolder);
  } catch {
    real = path.resolve(devFolder);
  }
  const hash = crypto.createHash('sha256').update(real).digest('hex').slice(0, 16);
  return `${manifest.publisher.slice(0, 64)} (folder ${hash})`;
}

export type PermissionState = 'granted' | 'prompt' | 'denied';

export interface ExtensionAuthorizer extends Authorizer {
  /** Resolves the folders of the fs patterns a `query` may match, asynchronously (patterns.ts). */
  prepare?(capability: Capability): Promise<void>;
  query(capability: Capability, target: CanonicalString): PermissionState;
  /** Stores the user's picker choice as a grant (a file, or a folder and what is in it). */
  rememberPick(target: CanonicalString, kind: 'file' | 'directory'): Promise<void>;
  /** Whether the manifest ceiling covers the request at all. */
  declares(capability: Capability, target: string): boolean;
}

export interface Broker {
  /** `calls`: the extension's running calls, held while a prompt is open (none: never held). */
  forExtension(identity: ExtensionIdentity, calls?: PromptHolds): ExtensionAuthorizer;
  /**
   * Remembered "always allow" answers of one extension for one capability stop covering it until
   * the user answers a prompt again (a behaviour deviation's "re-ask" response). Policy and
   * picker choices still hold; stored denials still deny.
   */
  suspendRemembered(extensionId: string, capability: Capability): void;
}

export function declaredPatterns(manifest: Manifest, capability: Capability): string[] {
  const p = manifest.permissions;
  switch (capability) {
    case 'fs.read':
    case 'fs.write':
    case 'net':
      return p[capability] ?? [];
    case 'secrets':
      return p.secrets ?? [];
    case 'notifications':
      return p.notifications ? ['*'] : [];
  }
}

/** Why an allowance was given, when the decision does not say more. */
const ALLOW_REASON: Record<Extract<Decision, { allow: true }>['via'], string> = {
  policy: 'allowed by the policy',
  grant: 'granted',
  prompt: 'allowed by the user',
};

/** How the prompt ended without an answer: its own timeout, or the calls it was for ended. */
type PromptEnd = 'timeout' | 'withdrawn';

const scopeText = (scope: Scope) => (scope.kind === 'tree' ? `${scope.value.replace(/\/+$/, '')}/**` : scope.value);

/** What "this folder" means for an fs request: a folder itself, or the folder holding a file. */
const folderOf = (req: PermissionRequest, kind: FsKind | undefined): string =>
  kind === 'directory' ? req.target : path.dirname(req.target);

export function createBroker(options: BrokerOptions): Broker {
  const home = options.homeDir ?? os.homedir();
  const timeoutMs = options.promptTimeoutMs ?? 60_000;
  const maxQueued = options.maxQueuedPrompts ?? 32;
  const redact = options.redact ?? ((t: string) => t);
  const suspended = new Set<string>();
  const suspensionKey = (id: string, capability: Capability) => `${id}\u0000${capability}`;

  return {
    suspendRemembered(extensionId, capability) {
      suspended.add(suspensionKey(extensionId, capability));
    },
    forExtension(identity, calls) {
      const { manifest, publisherKey } = identity;
      // Grants bind to the publisher key (or a dev folder's real path); policy rules see name and key.
      const ext = { extensionId: manifest.id, publisher: grantHolder(identity) };
      const who = { extensionId: manifest.id, publisher: manifest.publisher, fingerprint: publisherKey };
      const pending = new Map<string, Promise<Decision>>();
      let queue: Promise<unknown> = Promise.resolve();

      const declaredMatch = (capability: Capability, target: string) =>
        declaredPatterns(manifest, capability).find((p) => targetMatches(capability, p, target, home));

      /**
       * The stored grants' patterns last prepared, per capability, as "grants revision:cache
       * generation": with many grants, walking them all before every decision cost ~1 ms, so they
       * are walked again only when the grants changed or the folder cache was emptied.
       */
      const grantsPrepared = new Map<Capability, string>();
      /**
       * The walk under way, per capability and stamp. Concurrent requests wait for the same one,
       * so they reach their decision (and the prompt queue) in the order they were made; each
       * with its own walk, whichever walk ended first went first.
       */
      const preparing = new Map<Capability, { stamp: string; done: Promise<void> }>();
      /** Every fs pattern a decision of this capability may match: declared, policy, stored. */
      const prepare = async (capability: Capability): Promise<void> => {
        if (capability !== 'fs.read' && capability !== 'fs.write') return;
        const stamp = `${options.grants.revision()}:${patternCacheGeneration()}`;
        // Same grants, same cache: every pattern (declared and policy ones never change) is in it.
        if (grantsPrepared.get(capability) === stamp) return;
        let running = preparing.get(capability);
        if (running?.stamp !== stamp) {
          const done = walkPatterns(capability, stamp).finally(() => {
            if (preparing.get(capability)?.done === done) preparing.delete(capability);
          });
          running = { stamp, done };
          preparing.set(capability, running);
        }
        await running.done; // every waiter on the one promise: resumed in the order they came
      };
      const walkPatterns = async (capability: Capability, stamp: string): Promise<void> => {
        const rules = [...options.policy.forbid, ...options.policy.allow];
        const stored = options.grants
          .list(manifest.id)
          .filter((g) => g.capability === capability)
          .map((g) => g.scope.value);
        await resolvePatternFolders(
          [
            ...declaredPatterns(manifest, capability),
            ...rules.filter((r) => (r.capability ?? capability) === capability).flatMap((r) => r.targets ?? []),
            ...stored,
          ],
          home,
        );
        // Stamped as of before the walk: a change meanwhile has a new revision and is walked next time.
        grantsPrepared.set(capability, stamp);
      };

      const record = (req: PermissionRequest, d: Decision): Decision => {
        options.audit?.write({
          ext: manifest.id,
          kind: d.allow ? 'decision' : d.reason === 'undeclared' ? 'violation' : 'decision',
          capability: req.capability,
          target: req.target,
          decision: d.allow ? 'allow' : 'deny',
          reason: d.why ?? (d.allow ? ALLOW_REASON[d.via] : d.reason),
          via: d.via,
        });
        return d;
      };
      const deny = (reason: DenyReason, via: Extract<Decision, { allow: false }>['via']): Decision => ({
        allow: false,
        reason,
        via,
      });
      const withdrawn = (): Decision => ({ allow: false, reason: 'denied', via: 'prompt', why: 'withdrawn' });
      /** A request sharing another's prompt holds its own calls' clocks while it waits. */
      const held = async (shared: Promise<Decision>): Promise<Decision> => {
        const hold = calls?.hold();
        try {
          return await shared;
        } finally {
          hold?.release();
        }
      };

      const reasking = (capability: Capability) => suspended.has(suspensionKey(manifest.id, capability));
      /** A stored answer's decision, or undefined when there is none (or it is being re-asked). */
      const fromGrant = (g: Grant | undefined, capability: Capability): Decision | undefined => {
        if (!g || (g.effect === 'allow' && reasking(capability))) return undefined;
        return g.effect === 'allow'
          ? { allow: true, via: 'grant', why: `declared; granted always (${scopeText(g.scope)})` }
          : deny('denied', 'grant');
      };
      const stored = (req: PermissionRequest): Decision | undefined =>
        fromGrant(options.grants.find(ext.extensionId, ext.publisher, req.capability, req.target), req.capability);

      const scopeFor = (req: PermissionRequest, which: AllowScope, declared: string, kind?: FsKind): Scope => {
        if (which === 'declared') return { kind: 'pattern', value: declared };
        if (which === 'item' || req.capability === 'secrets' || req.capability === 'notifications') {
          return { kind: 'item', value: req.target };
        }
        if (req.capability === 'net') return { kind: 'tree', value: new URL(req.target).origin };
        return { kind: 'tree', value: folderOf(req, kind) };
      };

      const display = (capability: Capability, target: string) =>
        redact(capability === 'fs.read' || capability === 'fs.write' ? homeRelative(target, home) : target);

      const ask = async (req: PermissionRequest, declared: string, ended?: AbortSignal): Promise<Decision> => {
        if (ended?.aborted) return withdrawn();
        // An answer to an earlier prompt ("always allow this folder") may already cover this one.
        const again = stored(req);
        if (again) return again;
        // What the gateway found (it may still be finding out); unknown (its stat failed) reads
        // as a file, as for a request that carries no kind.
        const kind = await Promise.resolve(req.kind).catch(() => undefined);
        if (ended?.aborted) return withdrawn();
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort('timeout' satisfies PromptEnd), timeoutMs);
        const onEnded = () => controller.abort('withdrawn' satisfies PromptEnd);
        ended?.addEventListener('abort', onEnded, { once: true });
        let answer: PromptAnswer | PromptEnd;
        let end: PromptEnd | undefined;
        try {
          const fsCap = req.capability === 'fs.read' || req.capability === 'fs.write';
          const parent =
            req.capability === 'net' ? new URL(req.target).origin : fsCap ? folderOf(req, kind) : req.target;
          // The canonicaliser's display form when the gateway gave one (gateways/target.ts).
          const shown = req.display !== undefined ? redact(req.display) : display(req.capability, req.target);
          answer = await Promise.race([
            options.prompter.prompt(
              {
                extensionId: manifest.id,
                extensionName: manifest.name,
                publisher: manifest.publisher,
                capability: req.capability,
                target: shown,
                canonicalTarget: req.target,
                declaredScope: declaredPatterns(manifest, req.capability),
                scopes: {
                  item: shown,
                  parent: fsCap
                    ? `${display(req.capability, parent).replace(/\/+$/, '')}/`
                    : display(req.capability, parent),
                  declared,
                },
                reason: ((r) => (r === undefined ? r : redact(r)))(sanitizeReason(req.reason)),
              },
              controller.signal,
            ),
            new Promise<PromptEnd>((resolve) =>
              controller.signal.addEventListener('abort', () => resolve(controller.signal.reason as PromptEnd)),
            ),
          ]);
          // A prompter may settle (deny) as the abort reaches it: the abort's reason is what happened.
          end = controller.signal.aborted ? (controller.signal.reason as PromptEnd) : undefined;
        } finally {
          clearTimeout(timer);
          ended?.removeEventListener('abort', onEnded);
          controller.abort('timeout' satisfies PromptEnd);
        }
        // The call ended while the user read: whatever they answer now performs nothing.
        if (end === 'withdrawn' || answer === 'withdrawn' || ended?.aborted) return withdrawn();
        if (end === 'timeout' || answer === 'timeout') return deny('timeout', 'prompt');
        // The user has answered again: remembered answers cover this capability once more.
        if (answer.kind === 'allow-once' || answer.kind === 'allow-always')
          suspended.delete(suspensionKey(manifest.id, req.capability));
        switch (answer.kind) {
          case 'allow-once':
            return { allow: true, via: 'prompt', why: 'declared; allowed once by the user' };
          case 'allow-always': {
            const scope = scopeFor(req, answer.scope, declared, kind);
            await options.grants.add({ ...ext, capability: req.capability, effect: 'allow', scope });
            return { allow: true, via: 'prompt', why: `declared; allowed always by the user (${scopeText(scope)})` };
          }
          case 'deny-always':
            await options.grants.add({
              ...ext,
              capability: req.capability,
              effect: 'deny',
              scope: { kind: 'item', value: req.target },
            });
            return deny('denied', 'prompt');
          default:
            return deny('denied', 'prompt');
        }
      };

      const decide = async (req: PermissionRequest): Promise<Decision> => {
        const verdict = policyVerdict(options.policy, who, req.capability, req.target, home);
        if (verdict === 'forbid') return deny('policy', 'policy');
        // One lookup serves both the picker check and the stored answer.
        const grant = options.grants.find(ext.extensionId, ext.publisher, req.capability, req.target);
        if (grant?.picked && grant.effect === 'allow') return { allow: true, via: 'grant', why: 'picked by the user' };
        const declared = declaredMatch(req.capability, req.target);
        if (declared === undefined) {
          options.onViolation?.(manifest.id, `${req.capability} ${req.target} is not declared`);
          return deny('undeclared', 'manifest');
        }
        if (verdict === 'allow') return { allow: true, via: 'policy', why: 'declared; allowed by the policy' };
        const remembered = fromGrant(grant, req.capability);
        if (remembered) return remembered;
        const key = `${req.capability}\u0000${req.target}`;
        const shared = pending.get(key);
        if (shared) return held(shared);
        if (pending.size >= maxQueued) return deny('denied', 'prompt');
        // Waiting in line for the prompt is waiting for the user too: the hold starts here.
        const hold = calls?.hold();
        const run = queue.then(() => ask(req, declared, hold?.ended));
        queue = run.catch(() => {});
        pending.set(key, run);
        try {
          return await run;
        } finally {
          hold?.release();
          pending.delete(key);
        }
      };

      return {
        async authorize(req) {
          let d: Decision;
          try {
            await prepare(req.capability);
            d = await decide(req);
          } catch {
            d = deny('denied', 'error');
          }
          return record(req, d);
        },
        prepare,
        query(capability, target) {
          try {
            const verdict = policyVerdict(options.policy, who, capability, target, home);
            if (verdict === 'forbid' || declaredMatch(capability, target) === undefined) return 'denied';
            if (verdict === 'allow') return 'granted';
            const s = stored({ capability, target });
            return s ? (s.allow ? 'granted' : 'denied') : 'prompt';
          } catch {
            return 'denied';
          }
        },
        async rememberPick(target, kind) {
          await options.grants.add({
            ...ext,
            capability: 'fs.read',
            effect: 'allow',
            picked: true,
            scope: { kind: kind === 'file' ? 'item' : 'tree', value: target },
          });
        },
        declares: (capability, target) => {
          try {
            return declaredMatch(capability, target) !== undefined;
          } catch {
            return false;
          }
        },
      };
    },
  };
}

/**
 * An authorizer that counts what it decides (prompts, denials) and reports requests outside the
 * manifest. Gateways and the host-API handler share it, so every decision is counted once.
 */
export function observeAuthorizer(
  inner: ExtensionAuthorizer,
  observer: { counts: { prompts: number; denials: number }; onViolation?(detail: string): void },
): ExtensionAuthorizer {
  return {
    ...inner,
    async authorize(req) {
      const d = await inner.authorize(req);
      if (d.via === 'prompt') observer.counts.prompts++;
      if (!d.allow) {
        observer.counts.denials++;
        if (d.reason === 'undeclared') observer.onViolation?.(`${req.capability} ${req.target}`);
      }
      return d;
    },
  };
}
