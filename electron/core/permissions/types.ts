/**
 * The contract between the permission broker and the gateways that perform I/O.
 *
 * A gateway canonicalises the request first (real path, normalised URL), asks `authorize` with
 * that canonical target, and then performs the operation on exactly what it asked about: the
 * decision and the use can never refer to different things.
 */
import type { Capability } from '../../common/protocol';
import type { DenyReason } from '../../common/errors';
import type { CanonicalString } from '../gateways/target';

export type { Capability };

export interface PermissionRequest {
  capability: Capability;
  /**
   * Canonical target: an absolute real path for fs.*, a normalised absolute URL for net, a
   * secret name for secrets, `*` for notifications: only a gateway's canonicaliser makes one
   * (gateways/target.ts), so a grant and the check it authorises compare the same string.
   */
  target: CanonicalString;
  /**
   * How prompts show the target (`~/…`), carried with it from the gateway's canonicaliser
   * (gateways/target.ts) so the prompt names what is checked; derived from `target` when absent.
   */
  display?: string;
  /** Short plain-text reason from the extension (already length-capped and stripped). */
  reason?: string;
  /**
   * fs only: what the target is, when the gateway found it. "Always allow this folder" for a
   * directory means that directory and everything below it; for a file, the folder holding it.
   * A promise while the gateway is still finding out (its fstat runs beside the decision): only
   * a prompt waits for it.
   */
  kind?: FsKind | Promise<FsKind | undefined>;
}

export type FsKind = 'file' | 'directory';

/** `why`: what the audit log records as the reason (an allowance names its grounds too). */
export type Decision =
  | { allow: true; via: 'policy' | 'grant' | 'prompt'; why?: string }
  | { allow: false; reason: DenyReason; via: 'policy' | 'grant' | 'prompt' | 'manifest' | 'error'; why?: string };

/** Decides one extension's requests (the extension is bound when the authorizer is made). */
export interface Authorizer {
  authorize(request: PermissionRequest): Promise<Decision>;
}

/** A prompt's hold on the calls it was asked for (supervision/call-clocks.ts). */
export interface PromptHold {
  /** Aborts once every call the prompt was for has ended: the prompt is then withdrawn. */
  readonly ended: AbortSignal;
  /** The prompt is closed: the calls' clocks run again. */
  release(): void;
}

/** Taken when a request starts waiting for the user; stops the clocks of the calls it is for. */
export interface PromptHolds {
  hold(): PromptHold;
}
