/**
 * How a prompt reads in plain words: one sentence per capability, and what each "Always allow"
 * scope covers. The exact target and globs are shown beside these words, never instead of them.
 */
import type { PromptData } from '../../../../electron/common/bridge/schemas';

type Capability = PromptData['capability'];
export type AlwaysScope = keyof PromptData['scopes'];

/** The sentence's verb, followed by the exact target. */
export const CAPABILITY_VERB: Record<Capability, string> = {
  'fs.read': 'wants to read',
  'fs.write': 'wants to change or create files in',
  net: 'wants to connect to',
  secrets: 'wants to use your secret',
  notifications: 'wants to show you a notification:',
};

export const CAPABILITY_TITLE: Record<Capability, string> = {
  'fs.read': 'Read files',
  'fs.write': 'Write files',
  net: 'Network',
  secrets: 'Secrets',
  notifications: 'Notifications',
};

const ITEM: Record<Capability, string> = {
  'fs.read': 'only this item',
  'fs.write': 'only this item',
  net: 'only this address',
  secrets: 'only this secret',
  notifications: 'only this kind of notification',
};

const PARENT: Record<Capability, string> = {
  // The grant store keeps "this folder" as the folder and everything below it (issue 12).
  'fs.read': 'this folder and everything in it',
  'fs.write': 'this folder and everything in it',
  net: 'everything on this host',
  secrets: 'this group of secrets',
  notifications: 'this group of notifications',
};

/** What an "Always allow" with `scope` covers, in words. */
export function scopeLabel(capability: Capability, scope: AlwaysScope): string {
  if (scope === 'item') return ITEM[capability];
  if (scope === 'parent') return PARENT[capability];
  return 'everything it declared';
}
