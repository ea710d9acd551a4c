/** Plain words for behaviour findings: the rule, the severity and the response as a user reads them. */
import type { FindingData } from '../../../../electron/common/bridge/schemas';

const RULES: Record<string, string> = {
  'new-destination': 'New destination',
  'new-host': 'New host',
  'new-path': 'New folder',
  'new-capability': 'New kind of access',
  rate: 'Unusual volume',
  cpu: 'Unusual CPU use',
  memory: 'Unusual memory use',
};

export const ruleText = (rule: string): string => RULES[rule] ?? rule;

// Responses escalate (each includes the ones before it): the words say what the user will notice.
const RESPONSES: Record<string, string> = {
  record: 'recorded',
  alert: 'reported',
  reask: 'asks you again',
  throttle: 'slowed down',
  contain: 'stopped and quarantined',
};

export const responseText = (response: string): string => RESPONSES[response] ?? response;

export const severityTone = (f: Pick<FindingData, 'severity'>): string =>
  f.severity === 'high' ? 'tone-bad' : f.severity === 'medium' ? 'tone-warn' : 'tone-info';
