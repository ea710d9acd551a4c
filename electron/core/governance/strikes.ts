/**
 * Strikes and quarantine. Every kill and every violation is a strike with a reason; too many
 * within a window quarantines the extension: it is not started or restarted until the user
 * releases it. Strikes and quarantine survive restarts of the host (a file in the data folder),
 * so kills in separate one-shot `warden run` processes add up like kills in one long-lived host.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseStrictJson } from '../../common/strict-json';

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

interface BookFile {
  version: 1;
  quarantine: Record<string, QuarantineEntry>;
  /** Recent strikes per extension (within the window), so separate host runs add up. */
  strikes: Record<string, Strike[]>;
}

export function createStrikeBook(options: { file?: string; policy?: StrikePolicy; now?: () => number }): StrikeBook {
  const policy = options.policy ?? DEFAULT_STRIKE_POLICY;
  const now = options.now ?? Date.now;
  let recent: Record<string, Strike[]> = Object.create(null);
  let quarantine: Record<string, QuarantineEntry> = Object.create(null);
  let loadedMtime = -1;
  /**
   * Reads the file when it changed since it was last read: another host (a `warden run` next to
   * `warden serve`, a `warden release`) may have written it. Anything unreadable keeps what is known.
   */
  const load = () => {
    if (!options.file) return;
    try {
      const mtime = fs.statSync(options.file).mtimeMs;
      if (mtime === loadedMtime) return;
      const doc = parseStrictJson(fs.readFileSync(options.file, 'utf8')) as Partial<BookFile>;
      loadedMtime = mtime;
      quarantine = Object.assign(Object.create(null), doc.quarantine ?? {});
      recent = Object.create(null);
      for (const [id, list] of Object.entries(doc.strikes ?? {})) {
        if (Array.isArray(list))
          recent[id] = list.filter((s) => typeof s?.at === 'number' && typeof s?.reason === 'string');
      }
    } catch {
      // none yet
    }
  };
  load();
  // Synchronous and atomic (temp file, fsync, rename): a strike or quarantine must not be lost
  // if the host exits right after deciding it (a one-shot `warden run` does exactly that).
  const persist = () => {
    if (!options.file) return;
    const file = options.file;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      const fd = fs.openSync(tmp, 'w', 0o600);
      try {
        const doc: BookFile = { version: 1, quarantine, strikes: recent };
        fs.writeSync(fd, JSON.stringify(doc));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, file);
      loadedMtime = fs.statSync(file).mtimeMs;
    } catch {
      // the in-memory state still holds; the next change retries the write
    }
  };
  const inWindow = (list: Strike[] | undefined, t: number) => (list ?? []).filter((s) => t - s.at < policy.windowMs);
  return {
    quarantine(id, reason) {
      load();
      const existing = quarantine[id];
      if (existing) return existing;
      const entry: QuarantineEntry = { since: now(), reason, strikes: recent[id] ?? [] };
      quarantine[id] = entry;
      persist();
      return entry;
    },
    strike(id, reason) {
      load();
      // A quarantined extension is not run: nothing it does then (or the kill that enforced the
      // quarantine) is another strike.
      if (quarantine[id]) return undefined;
      const t = now();
      const list = inWindow(recent[id], t);
      list.push({ at: t, reason });
      recent[id] = list;
      if (list.length < policy.maxStrikes) {
        persist();
        return undefined;
      }
      const entry: QuarantineEntry = {
        since: t,
        reason: `${list.length} strikes in ${Math.round(policy.windowMs / 60_000)} min; last: ${reason}`,
        strikes: list,
      };
      quarantine[id] = entry;
      delete recent[id];
      persist();
      return entry;
    },
    strikes(id) {
      load();
      return quarantine[id]?.strikes ?? inWindow(recent[id], now());
    },
    quarantined(id) {
      load();
      return quarantine[id];
    },
    release(id) {
      load();
      const had = recent[id] !== undefined;
      delete recent[id];
      if (!quarantine[id]) {
        if (had) persist();
        return false;
      }
      delete quarantine[id];
      persist();
      return true;
    },
    list() {
      load();
      return Object.entries(quarantine).map(([id, e]) => ({ id, ...e }));
    },
  };
}

/** What a user types to let a quarantined extension run again. */
export const releaseHint = (id: string): string => `release it with: warden release ${id}`;
