/**
 * Strikes and quarantine. Every kill and every violation is a strike with a reason; too many
 * within a window quarantines the extension: it is not started or restarted until the user
 * releases it. Quarantine survives restarts of the host (a file in the data folder).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Strike {
  at: number;
  reason: string;
}

export interface QuarantineEntry {
  since: number;
  reason: string;
  strikes: Strike[];
}

export interface StrikePolicy {
  maxStrikes: number;
  windowMs: number;
}

export const DEFAULT_STRIKE_POLICY: StrikePolicy = { maxStrikes: 3, windowMs: 10 * 60_000 };

export interface StrikeBook {
  /** Records a strike; returns the quarantine entry if this strike quarantined the extension. */
  strike(extensionId: string, reason: string): QuarantineEntry | undefined;
  strikes(extensionId: string): Strike[];
  quarantined(extensionId: string): QuarantineEntry | undefined;
  /** Quarantines at once (a contained behaviour deviation), with its reason; no strike counted. */
  quarantine(extensionId: string, reason: string): QuarantineEntry;
  release(extensionId: string): boolean;
  list(): Array<{ id: string } & QuarantineEntry>;
}

export function createStrikeBook(options: { file?: string; policy?: StrikePolicy; now?: () => number }): StrikeBook {
  const policy = options.policy ?? DEFAULT_STRIKE_POLICY;
  const now = options.now ?? Date.now;
  const recent = new Map<string, Strike[]>();
  let quarantine: Record<string, QuarantineEntry> = Object.create(null);
  if (options.file) {
    try {
      const doc = JSON.parse(fs.readFileSync(options.file, 'utf8')) as { quarantine?: Record<string, QuarantineEntry> };
      quarantine = Object.assign(Object.create(null), doc.quarantine ?? {});
    } catch {
      // none yet
    }
  }
  // Synchronous and atomic (temp file, fsync, rename): quarantine is rare and must not be lost
  // if the host exits right after deciding it.
  const persist = () => {
    if (!options.file) return;
    const file = options.file;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      const fd = fs.openSync(tmp, 'w', 0o600);
      try {
        fs.writeSync(fd, JSON.stringify({ version: 1, quarantine }));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, file);
    } catch {
      // the in-memory state still holds; the next change retries the write
    }
  };
  return {
    quarantine(id, reason) {
      const existing = quarantine[id];
      if (existing) return existing;
      const entry: QuarantineEntry = { since: now(), reason, strikes: recent.get(id) ?? [] };
      quarantine[id] = entry;
      persist();
      return entry;
    },
    strike(id, reason) {
      const t = now();
      const list = (recent.get(id) ?? []).filter((s) => t - s.at < policy.windowMs);
      list.push({ at: t, reason });
      recent.set(id, list);
      if (list.length < policy.maxStrikes || quarantine[id]) return undefined;
      const entry: QuarantineEntry = {
        since: t,
        reason: `${list.length} strikes in ${Math.round(policy.windowMs / 60_000)} min; last: ${reason}`,
        strikes: list,
      };
      quarantine[id] = entry;
      persist();
      return entry;
    },
    strikes: (id) => recent.get(id) ?? [],
    quarantined: (id) => quarantine[id],
    release(id) {
      recent.delete(id);
      if (!quarantine[id]) return false;
      delete quarantine[id];
      persist();
      return true;
    },
    list: () => Object.entries(quarantine).map(([id, e]) => ({ id, ...e })),
  };
}
