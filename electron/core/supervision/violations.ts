/**
 * Misbehaviour → strike → quarantine. Requests outside the manifest are refused and audited one by
 * one (by the broker); each batch of VIOLATIONS_PER_STRIKE within a minute is a strike, as is a
 * kill. One stray path typed by a user should not quarantine an extension; a probing loop will.
 */
import type { Logger } from '../platform/logger';
import type { AuditLog } from '../platform/audit-log';
import type { StrikeBook } from '../governance/strikes';
import type { Entry, SupervisorEvent } from './types';

const VIOLATIONS_PER_STRIKE = 10;

export interface ViolationsDeps {
  strikes: StrikeBook;
  audit?: AuditLog;
  logger: Logger;
  emit(e: SupervisorEvent): void;
  /** The strike book quarantined the extension: stop it from running. */
  quarantined(e: Entry, reason: string): void;
}

export interface Violations {
  /** A request outside the manifest. */
  violation(e: Entry, detail: string): void;
  /** A kill (or a batch of violations): a strike; too many quarantine the extension. */
  strike(e: Entry, reason: string): void;
}

export function createViolations(d: ViolationsDeps): Violations {
  function strike(e: Entry, reason: string): void {
    const id = e.ext.manifest.id;
    d.emit({ type: 'strike', id, reason });
    d.audit?.write({ ext: id, kind: 'violation', detail: `strike: ${reason}` });
    const q = d.strikes.strike(id, reason);
    if (!q) return;
    d.logger.warn(`extension quarantined: ${q.reason}`, { ext: id });
    d.audit?.write({ ext: id, kind: 'lifecycle', detail: `quarantined: ${q.reason}` });
    d.emit({ type: 'quarantine', id, reason: q.reason });
    d.quarantined(e, q.reason);
  }

  function violation(e: Entry, detail: string): void {
    const now = Date.now();
    e.violations = e.violations.filter((t) => now - t < 60_000);
    e.violations.push(now);
    if (e.violations.length >= VIOLATIONS_PER_STRIKE) {
      e.violations = [];
      strike(e, `${VIOLATIONS_PER_STRIKE} requests outside its manifest within a minute (last: ${detail})`);
    }
  }

  return { violation, strike };
}
