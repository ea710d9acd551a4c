/** Behaviour baselines: learn what each extension normally does, notice and contain deviations. */
export { createBehaviourEngine, type BehaviourEngine, type ProfileSummary, type LearningStatus } from './engine';
export { createBehaviourStore, acceptStoredFinding, type BehaviourStore } from './store';
export { createBehaviourMonitor, type BehaviourMonitor, type BehaviourActions } from './monitor';
export { buildIncident, incidentMarkdown, type Incident, type IncidentRecord } from './incident';
export { approvedTerms } from './approved';
export { serialiseProfile, deserialiseProfile, type Profile } from './profile';
export {
  behaviourSettingsSchema,
  parseBehaviourSettings,
  DEFAULT_BEHAVIOUR_SETTINGS,
  type BehaviourSettings,
  type BehaviourSettingsInput,
  type Response,
  type Severity,
} from './settings';
export type { BehaviourEvent, Finding, FindingRule, ResourceSample } from './types';
