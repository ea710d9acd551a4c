/**
 * The behaviour monitor of one host (a CLI run, the headless server, the app): feeds the engine
 * from the host-API dispatch (`observe`), the supervisor (`command`) and its metrics, persists
 * profiles and findings in the data folder, writes an `anomaly` audit record per finding, and
 * carries out the configured response through actions the host attaches (contain = stop +
 * quarantine, and roll back after an update; throttle = tighter budgets; reask = remembered
 * answers stop covering the new target). Nothing leaves the machine.
 */
import type { Manifest } from '../../common/manifest';
import type { AuditLog } from '../platform/audit-log';
import { createBehaviourEngine, type BehaviourEngine } from './engine';
import { approvedTerms } from './approved';
import { observation } from './observe';
import { includesResponse, type BehaviourSettings } from './settings';
import { createBehaviourStore, type BehaviourStore } from './store';
import type { Finding } from './types';

/** What the host does for the responses; each absent action is said in the finding's audit record. */
export interface BehaviourActions {
  contain?(ext: string, finding: Finding): void;
  throttle?(ext: string, finding: Finding): void;
  reask?(ext: string, finding: Finding): void;
  /** A finding was marked expected: undo what its response did (a throttle; the quarantine is lifted by the caller). */
  lift?(ext: string, finding: Finding): void;
}

export interface BehaviourMonitor {
  observe(manifest: Manifest, method: string, args: readonly unknown[], result: unknown): void;
  command(manifest: Manifest, commandId: string): void;
  sample(ext: string, cpuPercent: number, rssBytes: number): void;
  attach(actions: BehaviourActions): void;
  accept(findingId: string): Finding | undefined;
  /** The open finding whose `throttle` response still holds for this extension (persisted across restarts). */
  throttledBy(ext: string): Finding | undefined;
  readonly engine: BehaviourEngine;
  readonly settings: BehaviourSettings;
  readonly store: BehaviourStore;
  /** Persists changed profiles (also every 30 s while active, and at close). */
  flush(): void;
  close(): void;
}

const FLUSH_MS = 30_000;

/** Patterns a manifest declares, as `capability pattern` strings (for the update's approved diff). */
export const declaredPatterns = (m: Manifest): Array<{ capability: string; pattern: string }> => {
  const out: Array<{ capability: string; pattern: string }> = [];
  for (const [capability, v] of Object.entries(m.permissions)) {
    if (Array.isArray(v)) for (const p of v) out.push({ capability, pattern: String(p) });
    else if (v === true) out.push({ capability, pattern: '' });
  }
  return out;
};

export function createBehaviourMonitor(o: {
  dataDir: string;
  settings: BehaviourSettings;
  audit?: AuditLog;
  now?: () => number;
  onError?(err: unknown): void;
}): BehaviourMonitor {
  const now = o.now ?? Date.now;
  const store = createBehaviourStore(o.dataDir);
  let actions: BehaviourActions = {};
  const onFinding = (f: Finding) => {
    const carriedOut: string[] = [];
    if (includesResponse(f.response, 'contain') && actions.contain) carriedOut.push('contained');
    else if (includesResponse(f.response, 'throttle') && actions.throttle) carriedOut.push('throttled');
    if (includesResponse(f.response, 'reask') && actions.reask) carriedOut.push('re-ask');
    try {
      store.appendFinding(f);
    } catch (err) {
      o.onError?.(err);
    }
    o.audit?.write({
      ext: f.ext,
      kind: 'anomaly',
      capability: f.capability,
      target: f.target,
      reason: `${f.rule} (${f.severity})`,
      detail: `${f.why} — response: ${f.response}${carriedOut.length ? ` (${carriedOut.join(', ')})` : ''}; version ${f.version}${f.rollbackTo ? `; roll back to ${f.rollbackTo}` : ''}; finding ${f.id}`,
    });
    // Responses run after the call that triggered them has been recorded, never inside it.
    queueMicrotask(() => {
      try {
        if (includesResponse(f.response, 'contain')) actions.contain?.(f.ext, f);
        else if (includesResponse(f.response, 'throttle')) actions.throttle?.(f.ext, f);
        if (includesResponse(f.response, 'reask')) actions.reask?.(f.ext, f);
      } catch (err) {
        o.onError?.(err);
      }
    });
  };
  const engine = createBehaviourEngine({ settings: o.settings, now, load: (ext) => store.load(ext), onFinding });
  const flush = () => {
    for (const p of engine.takeDirty()) {
      try {
        store.save(p);
      } catch (err) {
        o.onError?.(err);
      }
    }
  };
  const timer = setInterval(flush, FLUSH_MS);
  timer.unref();

  /**
   * An update is seen when a new version first acts. What its manifest declares beyond the
   * previous version's was approved by the user before it could run (widened permissions are
   * staged for approval), so those targets are expected; everything else is judged by the old profile.
   */
  const noteVersion = (m: Manifest) => {
    const p = engine.profile(m.id) ?? store.load(m.id);
    if (!p || p.version === m.version) return;
    const before = new Set(p.patterns ?? []);
    const added = declaredPatterns(m).filter((x) => p.patterns && !before.has(`${x.capability} ${x.pattern}`));
    engine.noteUpdate(m.id, m.version, approvedTerms(added), now());
  };
  // The declared patterns change only with the version: recorded once per version, not per call.
  const remembered = new Map<string, string>();
  const remember = (m: Manifest) => {
    if (remembered.get(m.id) === m.version) return;
    const p = engine.profile(m.id);
    if (!p || p.version !== m.version) return;
    p.patterns = declaredPatterns(m).map((x) => `${x.capability} ${x.pattern}`);
    remembered.set(m.id, m.version);
  };

  return {
    engine,
    store,
    settings: o.settings,
    observe(manifest, method, args, result) {
      if (!o.settings.enabled) return;
      const obs = observation(method, args, result);
      if (!obs) return;
      noteVersion(manifest);
      engine.event({ t: now(), ext: manifest.id, version: manifest.version, ...obs });
      remember(manifest);
    },
    command(manifest, commandId) {
      if (!o.settings.enabled) return;
      noteVersion(manifest);
      engine.event({ t: now(), ext: manifest.id, version: manifest.version, cap: 'command', target: commandId });
      remember(manifest);
    },
    sample(ext, cpuPercent, rssBytes) {
      if (!o.settings.enabled || !engine.profile(ext)) return;
      engine.sample({ t: now(), ext, cpuPercent, rssBytes });
    },
    attach(a) {
      actions = a;
    },
    accept(id) {
      const f = engine.accept(id);
      if (f) {
        store.markAccepted(f.ext, id);
        o.audit?.write({
          ext: f.ext,
          kind: 'anomaly',
          reason: 'accepted',
          detail: `finding ${id} marked expected: ${f.why}`,
        });
        flush();
        try {
          actions.lift?.(f.ext, f);
        } catch (err) {
          o.onError?.(err);
        }
      }
      return f;
    },
    throttledBy(ext) {
      if (!o.settings.enabled) return undefined;
      try {
        return store.readFindings(ext).find((f) => f.state === 'open' && f.response === 'throttle');
      } catch (err) {
        o.onError?.(err);
        return undefined;
      }
    },
    flush,
    close() {
      clearInterval(timer);
      flush();
    },
  };
}
