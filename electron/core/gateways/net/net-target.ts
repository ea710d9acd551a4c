/**
 * The net canonicaliser: the URL as the gateway normalises it before its check (url-policy.ts),
 * so a question about `http://localhost./` or `http://user@host/` gets the fetch's answer.
 */
import { mintTarget } from '../mint';
import type { CanonicalTarget } from '../target';
import { normalizeRequestUrl } from './url-policy';

/** The target of a net check on a normalised URL. */
export const netTarget = (url: URL): CanonicalTarget => mintTarget('net', url.href, url.href);

/** A URL an extension gave as the target its fetch is checked for; EINVAL where the fetch would be. */
export const canonicalNetTarget = (given: string | undefined): CanonicalTarget => netTarget(normalizeRequestUrl(given));
