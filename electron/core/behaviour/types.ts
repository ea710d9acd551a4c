/** What the behaviour engine sees and what it says. Times are epoch milliseconds from an injected clock. */
import type { Response, Severity } from './settings';

/** One mediated operation, as the metering path records it (bytes in both directions). */
export interface BehaviourEvent {
  t: number;
  ext: string;
  version: string;
  /** Capability or private operation: `fs.read`, `net`, `storage.get`, `secrets.get`, `command`… */
  cap: string;
  /** URL for `net`, display path (`~/…`) for `fs.*`, command id for `command`. */
  target?: string;
  /** The granted pattern's fixed root that covered an fs target (`~/Documents`), when known. */
  root?: string;
  bytesIn?: number;
  bytesOut?: number;
}

/** One resource reading of the extension's process (the governor's sampler). */
export interface ResourceSample {
  t: number;
  ext: string;
  cpuPercent: number;
  rssBytes: number;
}

export type FindingRule = 'new-destination' | 'new-host' | 'new-path' | 'new-capability' | 'rate' | 'cpu' | 'memory';

export interface Finding {
  id: string;
  t: number;
  ext: string;
  version: string;
  rule: FindingRule;
  severity: Severity;
  response: Response;
  /** The feature judged: `domain:example.org`, `fs.read|calls`, … */
  feature: string;
  capability?: string;
  target?: string;
  observed?: number;
  baseline?: number;
  ratio?: number;
  afterUpdate: boolean;
  hoursSinceUpdate?: number;
  /** The version to roll back to, when the response contains a post-update deviation. */
  rollbackTo?: string;
  /** One sentence a user can read. */
  why: string;
  state: 'open' | 'accepted';
}
