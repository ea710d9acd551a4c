/**
 * Profiles and findings on disk: `<dataDir>/behaviour/<id>.json` (the profile, replaced
 * atomically) and `<id>.findings.jsonl` (appended, bounded by rotation). Local only: nothing here
 * leaves the machine. A file that fails its strict schema is set aside (`.bad`), never half-used,
 * and the extension starts learning again — said in the returned status, not hidden.
 */
import fs from 'node:fs';
import path from 'node:path';
import { deserialiseProfile, serialiseProfile, type Profile } from './profile';
import type { Finding } from './types';

const FINDINGS_MAX_BYTES = 1024 * 1024;

export interface BehaviourStore {
  load(ext: string): Profile | undefined;
  save(profile: Profile): void;
  appendFinding(f: Finding): void;
  /** Findings in order (the current file and its one rotated predecessor); `accepted` ids applied. */
  readFindings(ext?: string): Finding[];
  markAccepted(ext: string, id: string): void;
  /** Extensions whose stored profile was unreadable and was set aside this session. */
  readonly setAside: string[];
  readonly dir: string;
}

/** File names from ids: ids are `publisher.name` (manifest rule), but never trust that here. */
const safeName = (ext: string): string => {
  if (!/^[a-z0-9][a-z0-9.-]{0,200}$/.test(ext) || ext.includes('..')) throw new Error(`invalid extension id: ${ext}`);
  return ext;
};

/**
 * "This is expected", from outside a running host (the CLI, or the panel after a restart): the
 * finding's feature joins the stored profile's baseline, and its version counts as good again
 * when no other open medium or high finding remains for it.
 */
export function acceptStoredFinding(store: BehaviourStore, id: string): Finding | undefined {
  const finding = store.readFindings().find((f) => f.id === id);
  if (!finding || finding.state === 'accepted') return finding;
  const profile = store.load(finding.ext);
  if (profile) {
    profile.accepted.add(finding.feature);
    const stillOpen = store
      .readFindings(finding.ext)
      .some((f) => f.id !== id && f.version === finding.version && f.state === 'open' && f.severity !== 'low');
    const rec = profile.versions.find((v) => v.version === finding.version);
    if (rec && !stillOpen) rec.clean = true;
    store.save(profile);
  }
  store.markAccepted(finding.ext, id);
  return { ...finding, state: 'accepted' };
}

export function createBehaviourStore(dataDir: string): BehaviourStore {
  const dir = path.join(dataDir, 'behaviour');
  const setAside: string[] = [];
  const ensure = () => fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const profileFile = (ext: string) => path.join(dir, `${safeName(ext)}.json`);
  const findingsFile = (ext: string) => path.join(dir, `${safeName(ext)}.findings.jsonl`);

  const readLines = (file: string): unknown[] => {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    const out: unknown[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        out.push(JSON.parse(line));
      } catch {
        // a torn last line after a crash
      }
    }
    return out;
  };

  return {
    dir,
    setAside,
    load(ext) {
      const file = profileFile(ext);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
      try {
        const p = deserialiseProfile(JSON.parse(text));
        if (p.ext !== ext) throw new Error('profile of another extension');
        return p;
      } catch {
        try {
          fs.renameSync(file, `${file}.bad`);
        } catch {
          // already gone
        }
        setAside.push(ext);
        return undefined;
      }
    },
    save(profile) {
      ensure();
      const file = profileFile(profile.ext);
      const tmp = `${file}.${process.pid}.tmp`;
      // Synchronous and small (a few KiB): called from a periodic flush, not per call.
      fs.writeFileSync(tmp, JSON.stringify(serialiseProfile(profile)), { mode: 0o600 });
      fs.renameSync(tmp, file);
    },
    appendFinding(f) {
      ensure();
      const file = findingsFile(f.ext);
      try {
        if (fs.statSync(file).size > FINDINGS_MAX_BYTES) fs.renameSync(file, `${file}.1`);
      } catch {
        // no file yet
      }
      fs.appendFileSync(file, `${JSON.stringify({ kind: 'finding', ...f })}\n`, { mode: 0o600 });
    },
    markAccepted(ext, id) {
      ensure();
      fs.appendFileSync(findingsFile(ext), `${JSON.stringify({ kind: 'accepted', id, t: Date.now() })}\n`, {
        mode: 0o600,
      });
    },
    readFindings(ext) {
      let exts: string[];
      if (ext) exts = [safeName(ext)];
      else {
        try {
          exts = fs
            .readdirSync(dir)
            .filter((n) => n.endsWith('.findings.jsonl'))
            .map((n) => n.slice(0, -'.findings.jsonl'.length));
        } catch {
          exts = [];
        }
      }
      const out: Finding[] = [];
      for (const e of exts) {
        const records = [...readLines(`${findingsFile(e)}.1`), ...readLines(findingsFile(e))] as Array<
          Record<string, unknown>
        >;
        const accepted = new Set(records.filter((r) => r.kind === 'accepted').map((r) => r.id));
        for (const r of records) {
          if (r.kind !== 'finding') continue;
          const { kind: _kind, ...f } = r;
          const finding = f as unknown as Finding;
          if (accepted.has(finding.id)) finding.state = 'accepted';
          out.push(finding);
        }
      }
      return out.sort((a, b) => a.t - b.t);
    },
  };
}
