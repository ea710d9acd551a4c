/**
 * The audit log: JSON lines, one record per permission decision and per mediated operation,
 * rotated by size. Records carry names and sizes, never values; every string field passes the
 * host's redactor (stored secret values and credential-shaped parts of URLs, headers and messages
 * become `[redacted]`), and any field named like a credential is redacted whole.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface AuditRecord {
  time: number;
  ext: string;
  kind: 'decision' | 'operation' | 'violation' | 'lifecycle' | 'anomaly' | 'command' | 'deprecated-call';
  capability?: string;
  target?: string;
  decision?: 'allow' | 'deny';
  reason?: string;
  via?: string;
  method?: string;
  bytes?: number;
  durationMs?: number;
  detail?: string;
  /** The extension's version (`command` records: which version ran it). */
  version?: string;
}

export interface AuditLog {
  write(record: Omit<AuditRecord, 'time'>): void;
  /** Records in order, optionally for one extension (reads the rotated files too). */
  read(filter?: { extensionId?: string }): AuditRecord[];
  readonly file: string;
  /** Subscribes to new records; returns an unsubscribe function. */
  subscribe(listener: (r: AuditRecord) => void): () => void;
}

const SECRETISH = /pass(word)?|secret|token|api[-_]?key|authorization|cookie/i;

/** Field names seen so far and whether they look like a credential (records use a few names). */
const secretishKeys = new Map<string, boolean>();
const isSecretish = (k: string): boolean => {
  let s = secretishKeys.get(k);
  if (s === undefined) {
    s = SECRETISH.test(k);
    if (secretishKeys.size < 256) secretishKeys.set(k, s);
  }
  return s;
};

/** One pass: a credential-named field whole, every other string field through the redactor. */
function redact(record: AuditRecord, text: (s: string) => string): AuditRecord {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(record)) {
    const v = (record as unknown as Record<string, unknown>)[k];
    out[k] = isSecretish(k) ? '[redacted]' : typeof v === 'string' ? text(v) : v;
  }
  return out as unknown as AuditRecord;
}

export function createAuditLog(options: {
  file: string;
  maxBytes?: number;
  keep?: number;
  /** The host's redactor (secret values, credential parameters); applied to every string field. */
  redact?: (text: string) => string;
}): AuditLog {
  const redactText = options.redact ?? ((t: string) => t);
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const keep = options.keep ?? 3;
  const listeners = new Set<(r: AuditRecord) => void>();
  let size = 0;
  fs.mkdirSync(path.dirname(options.file), { recursive: true, mode: 0o700 });

  // The file stays open while records keep coming (one write per record instead of open, write
  // and close: two records are written per mediated operation). A timer closes it after a quiet
  // second, so no descriptor outlives the traffic, and meanwhile checks that the name still leads
  // to the open file: after another process (a CLI next to the app) rotated or removed it, the
  // next record goes to the file now at the name.
  let fd: number | undefined;
  let wroteSinceTick = false;
  let ticker: NodeJS.Timeout | undefined;
  const close = () => {
    clearInterval(ticker);
    ticker = undefined;
    if (fd !== undefined) fs.closeSync(fd);
    fd = undefined;
  };
  const tick = () => {
    if (!wroteSinceTick) return close();
    wroteSinceTick = false;
    try {
      const atName = fs.statSync(options.file, { throwIfNoEntry: false });
      const open = fs.fstatSync(fd!);
      if (!atName || atName.ino !== open.ino || atName.dev !== open.dev) close();
    } catch {
      close();
    }
  };
  const openFile = (): number => {
    if (fd !== undefined) return fd;
    fd = fs.openSync(options.file, 'a', 0o600);
    size = fs.fstatSync(fd).size;
    ticker = setInterval(tick, 1000);
    ticker.unref();
    return fd;
  };
  const rotate = () => {
    close();
    for (let i = keep - 1; i >= 1; i--) {
      const from = `${options.file}.${i}`;
      if (fs.existsSync(from)) fs.renameSync(from, `${options.file}.${i + 1}`);
    }
    if (fs.existsSync(options.file)) fs.renameSync(options.file, `${options.file}.1`);
    size = 0;
  };

  return {
    file: options.file,
    write(partial) {
      const record = redact({ time: Date.now(), ...partial } as AuditRecord, redactText);
      const line = `${JSON.stringify(record)}\n`;
      try {
        const buf = Buffer.from(line);
        let out = openFile(); // also learns the file's size
        if (size + buf.length > maxBytes) {
          rotate();
          out = openFile();
        }
        // Synchronous append (O_APPEND): a record must not be lost if the host exits right after a decision.
        for (let done = 0; done < buf.length;) done += fs.writeSync(out, buf, done);
        size += buf.length;
        wroteSinceTick = true;
      } catch {
        // The audit log must never take the host down; a failed write is reported by the caller's log.
        close();
      }
      listeners.forEach((l) => l(record));
    },
    read(filter = {}) {
      const files = [];
      for (let i = keep; i >= 1; i--) files.push(`${options.file}.${i}`);
      files.push(options.file);
      const out: AuditRecord[] = [];
      for (const f of files) {
        let text = '';
        try {
          text = fs.readFileSync(f, 'utf8');
        } catch {
          continue;
        }
        for (const line of text.split('\n')) {
          if (!line) continue;
          try {
            const r = JSON.parse(line) as AuditRecord;
            if (!filter.extensionId || r.ext === filter.extensionId) out.push(r);
          } catch {
            // a torn last line after a crash: skip it
          }
        }
      }
      return out;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
