/** How each capability reads in a prompt, and what its middle "always" scope is called. */
import type { PromptData } from '../../../../electron/common/bridge/schemas';

type Capability = PromptData['capability'];

export const CAPABILITY_VERB: Record<Capability, string> = {
  'fs.read': 'read your files',
  'fs.write': 'write your files',
  net: 'connect to the network',
  secrets: 'read a secret',
  notifications: 'show notifications',
};

export const CAPABILITY_TITLE: Record<Capability, string> = {
  'fs.read': 'Read files',
  'fs.write': 'Write files',
  net: 'Network',
  secrets: 'Secrets',
  notifications: 'Notifications',
};

/** "this folder" for files, "this host" for the network, else "this group". */
export function parentScopeLabel(capability: Capability): string {
  if (capability === 'fs.read' || capability === 'fs.write') return 'this folder';
  if (capability === 'net') return 'this host';
  return 'this group';
}
