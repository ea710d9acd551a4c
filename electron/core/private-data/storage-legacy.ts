/**
 * Reading the single-file store of earlier versions (`storage.json`: `{"version":1,"entries":{…}}`)
 * one entry at a time, so migrating a large store never holds more than one value in memory. The
 * file is split structurally (strings, nesting) and each entry is then checked by `JSON.parse`;
 * anything else in the file is refused as unreadable.
 */
import fs from 'node:fs';
import { WardenError } from '../../common/errors';

export interface LegacyEntry {
  key: string;
  /** The value's JSON text (as the old store wrote it). */
  valueJson: string;
}

const unreadable = () => new WardenError('EINTERNAL', 'the extension storage file is unreadable');

/** Entries written at once (their fsyncs share journal commits). */
const WRITE_CONCURRENCY = 8;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const isWhitespace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
const isOpen = (b: number) => b === 0x7b || b === 0x5b;
const isClose = (b: number) => b === 0x7d || b === 0x5d;

/**
 * Splits the members of the top-level object, and of its `entries` object, as they stream by.
 * A member is collected as raw bytes between its delimiters (at most `maxMemberBytes`), except
 * the `entries` member itself, whose own members are collected instead.
 */
function createSplitter(maxMemberBytes: number, onEntry: (e: LegacyEntry) => void) {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let started = false;
  let ended = false;
  // The member being collected: at depth 1 (top level) or 2 (inside "entries").
  let parts: Buffer[] = [];
  let partBytes = 0;
  let collecting = false;
  let inEntries = false;
  // Depth-1 member text up to the value of "entries", to recognise it.
  let topPrefix = '';
  // Members seen in the top object and in "entries": an empty member is `{}`, or a stray comma.
  const members = [0, 0, 0];

  const take = (chunk: Buffer, from: number, to: number) => {
    if (to <= from) return;
    partBytes += to - from;
    if (partBytes > maxMemberBytes) throw unreadable();
    parts.push(chunk.subarray(from, to));
  };
  const finishMember = (level: number, closing: boolean) => {
    const text = Buffer.concat(parts).toString('utf8').trim();
    parts = [];
    partBytes = 0;
    if (text === '') {
      if (closing && members[level] === 0) return; // `{}`
      throw unreadable(); // `{,` `,,` `,}`
    }
    members[level]!++;
    let parsed: unknown;
    try {
      parsed = JSON.parse(`{${text}}`);
    } catch {
      throw unreadable();
    }
    const names = Object.keys(parsed as object);
    if (names.length !== 1) throw unreadable();
    if (level === 2) {
      const key = names[0]!;
      const valueJson = JSON.stringify((parsed as Record<string, unknown>)[key]);
      onEntry({ key, valueJson });
    }
  };

  return {
    push(chunk: Buffer) {
      let segStart = 0;
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i]!;
        if (ended) {
          if (!isWhitespace(b)) throw unreadable();
          continue;
        }
        if (inString) {
          if (escaped) escaped = false;
          else if (b === BACKSLASH) escaped = true;
          else if (b === QUOTE) inString = false;
          continue;
        }
        if (!started) {
          if (isWhitespace(b)) continue;
          if (b !== 0x7b) throw unreadable();
          started = true;
          depth = 1;
          collecting = true;
          segStart = i + 1;
          continue;
        }
        if (b === QUOTE) {
          inString = true;
          continue;
        }
        if (isOpen(b)) {
          depth++;
          // The value of a depth-1 member opens: is this member "entries" with an object value?
          if (depth === 2 && b === 0x7b && !inEntries) {
            take(chunk, segStart, i);
            const prefix = Buffer.concat(parts).toString('utf8').trim();
            if (/^"entries"\s*:$/.test(prefix)) {
              parts = [];
              partBytes = 0;
              topPrefix = prefix;
              inEntries = true;
              members[2] = 0;
              segStart = i + 1;
            } else {
              segStart = i;
            }
          }
          continue;
        }
        if (isClose(b)) {
          depth--;
          if (depth < 0) throw unreadable();
          if (inEntries && depth === 1) {
            // The end of the entries object: its last member, then the rest of the top member.
            take(chunk, segStart, i);
            finishMember(2, true);
            inEntries = false;
            parts = [Buffer.from(`${topPrefix}{}`)];
            partBytes = parts[0]!.length;
            segStart = i + 1;
          } else if (depth === 0) {
            take(chunk, segStart, i);
            finishMember(1, true);
            collecting = false;
            ended = true;
          }
          continue;
        }
        if (b === COMMA && ((inEntries && depth === 2) || (!inEntries && depth === 1))) {
          take(chunk, segStart, i);
          finishMember(inEntries ? 2 : 1, false);
          segStart = i + 1;
        }
      }
      if (collecting) take(chunk, segStart, chunk.length);
    },
    end() {
      if (!ended) throw unreadable();
    },
  };
}

/**
 * Calls `onEntry` for each entry of the legacy store at `file`, in file order, holding at most
 * one entry (of at most `maxEntryBytes` of JSON) at a time. Returns false if there is no file.
 */
export async function readLegacyStore(
  file: string,
  maxEntryBytes: number,
  onEntry: (e: LegacyEntry) => Promise<void>,
): Promise<boolean> {
  let stream: fs.ReadStream;
  try {
    const fd = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    stream = fd.createReadStream({ highWaterMark: 1024 * 1024 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw unreadable();
  }
  const pending: LegacyEntry[] = [];
  const splitter = createSplitter(maxEntryBytes, (e) => pending.push(e));
  try {
    for await (const chunk of stream) {
      splitter.push(chunk as Buffer);
      // Written before the next chunk is read: at most one chunk's entries are held.
      const batch = pending.splice(0);
      for (let i = 0; i < batch.length; i += WRITE_CONCURRENCY) {
        await Promise.all(batch.slice(i, i + WRITE_CONCURRENCY).map(onEntry));
      }
    }
    splitter.end();
  } catch (err) {
    if (err instanceof WardenError) throw err;
    throw unreadable();
  } finally {
    stream.destroy();
  }
  return true;
}
