/**
 * Source-map positions without schema code: the sandbox maps guest stack positions with these and
 * must not load zod (common/protocol-limits.ts says why). The schemas and the host's reading of a
 * map file stay in source-map.ts, which re-exports what is here.
 */

/** Larger maps are not read (the bundle itself is capped at 16 MiB). */
export const MAX_SOURCE_MAP_BYTES = 16 * 1024 * 1024;
/** Segments decoded at most (a 16 MiB `mappings` string holds fewer than this). */
const MAX_SEGMENTS = 8_000_000;

/** What the sandbox receives: display names of the sources and the raw VLQ mappings. */
export interface SourceMapPositions {
  sources: string[];
  mappings: string;
}

export interface OriginalPosition {
  source: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

const VLQ = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => {
  VLQ[c.charCodeAt(0)] = i;
});

/**
 * Decodes `mappings` into, per generated line, a flat array of [genColumn, source, line, column]
 * (0-based) for the segments that name a source. `undefined` when the text is malformed.
 */
function decode(mappings: string, sourceCount: number): Int32Array[] | undefined {
  const lines: Int32Array[] = [];
  let current: number[] = [];
  let source = 0;
  let origLine = 0;
  let origCol = 0;
  let genCol = 0;
  let segments = 0;
  const fields: number[] = [];
  let i = 0;
  const n = mappings.length;
  while (i <= n) {
    const ch = i < n ? mappings.charCodeAt(i) : 59; // the end closes the last line
    if (ch === 59 /* ; */ || ch === 44 /* , */) {
      if (fields.length > 0) {
        if (++segments > MAX_SEGMENTS) return undefined;
        genCol += fields[0]!;
        if (fields.length >= 4) {
          source += fields[1]!;
          origLine += fields[2]!;
          origCol += fields[3]!;
          if (source < 0 || source >= sourceCount || origLine < 0 || origCol < 0 || genCol < 0) return undefined;
          current.push(genCol, source, origLine, origCol);
        } else if (fields.length !== 1) return undefined;
        fields.length = 0;
      }
      if (ch === 59) {
        lines.push(Int32Array.from(current));
        current = [];
        genCol = 0;
      }
      i++;
      continue;
    }
    // One base64 VLQ number: 5 bits a digit, continuation bit 32, sign in the lowest bit.
    let value = 0;
    let shift = 0;
    for (;;) {
      const digit = i < n ? VLQ[mappings.charCodeAt(i)] : -1;
      if (digit === undefined || digit < 0 || shift > 30) return undefined;
      i++;
      value += (digit & 31) * 2 ** shift;
      shift += 5;
      if ((digit & 32) === 0) break;
    }
    fields.push(value % 2 === 1 ? -Math.floor(value / 2) : Math.floor(value / 2));
    if (fields.length > 5) return undefined;
  }
  return lines;
}

export type PositionMapper = (line: number, column: number) => OriginalPosition | undefined;

/** Maps 1-based bundle positions to 1-based source positions; decodes on first use. */
export function createPositionMapper(map: SourceMapPositions): PositionMapper {
  let lines: Int32Array[] | undefined | null = null;
  return (line, column) => {
    if (lines === null) lines = decode(map.mappings, map.sources.length);
    const segs = lines?.[line - 1];
    if (!segs || segs.length === 0) return undefined;
    const col = column - 1;
    // The last segment starting at or before the column (binary search over genColumn).
    let lo = 0;
    let hi = segs.length / 4 - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (segs[mid * 4]! <= col) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) found = 0; // before the first segment: the line's first mapping is closest
    const at = found * 4;
    return { source: map.sources[segs[at + 1]!]!, line: segs[at + 2]! + 1, column: segs[at + 3]! + 1 };
  };
}

/** `dist/extension.js:29:11` → `src/extension.ts:9:5` when the map knows it, else unchanged. */
export function mapLocation(mapper: PositionMapper | undefined, file: string, line: number, column: number): string {
  const p = mapper?.(line, column);
  return p ? `${p.source}:${p.line}:${p.column}` : `${file}:${line}:${column}`;
}
