/**
 * Trust you can read: the security brief shown before an install or update (brief.ts), the facts
 * it is built from (gather.ts), its plain words (words.ts) and its risk rule (risk.ts,
 * docs/security-brief.md).
 */
export { createSecurityBrief, type BriefFacts } from './brief';
export { createBriefReader, type BriefReader, type BriefExtras } from './gather';
export { assessRisk, type RiskFacts } from './risk';
export { capabilityWords, permissionChanges, limitWords, fsWords, netWords } from './words';
export { formatBrief } from './format';
