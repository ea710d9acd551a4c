/**
 * Source maps (version 3), the small part Warden needs: the host reads `<main>.map`, checks its
 * shape and sends `{ sources, mappings }` to the sandbox, which turns a bundle position from a
 * guest stack (`dist/extension.js:29:11`) into the author's (`src/extension.ts:9:5`). Decoding is
 * lazy (the first error pays for it, a run without errors never does) and bounded: it stops at the
 * segment limit, and a malformed map yields no position rather than a wrong one or an exception.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { MAX_SOURCE_MAP_BYTES } from './source-map-positions';

export {
  MAX_SOURCE_MAP_BYTES,
  createPositionMapper,
  mapLocation,
  type OriginalPosition,
  type PositionMapper,
} from './source-map-positions';

const MAX_SOURCES = 20_000;
const MAX_SOURCE_NAME = 300;

/** What crosses from host to sandbox: display names of the sources and the raw VLQ mappings. */
export const SourceMapDataSchema = lazySchema(() =>
  z.strictObject({
    sources: z.array(z.string().max(MAX_SOURCE_NAME)).max(MAX_SOURCES),
    mappings: z.string().max(MAX_SOURCE_MAP_BYTES),
  }),
);
export type SourceMapData = z.infer<typeof SourceMapDataSchema>;

/** The fields of a v3 map file Warden reads; others (`names`, `sourcesContent`, …) are ignored. */
export const SourceMapFileSchema = lazySchema(() =>
  z.object({
    version: z.literal(3),
    sources: z.array(z.string().max(4096).nullable()).max(MAX_SOURCES),
    sourceRoot: z.string().max(4096).optional(),
    mappings: z.string().max(MAX_SOURCE_MAP_BYTES),
  }),
);
export type SourceMapFile = z.infer<typeof SourceMapFileSchema>;

/**
 * A source's name as the developer knows it, relative to the extension folder: `../src/a.ts` in
 * `dist/extension.js.map` is `src/a.ts`. A name leaving the folder or naming an absolute path or a
 * URL keeps its last segments only; control characters go. Never a host path of the user's.
 */
export function sourceDisplayName(source: string | null, mapDir: string, sourceRoot = ''): string {
  if (!source) return '(unknown)';
  let s = [...source.replace(/^webpack:\/\/[^/]*\//, '')]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c !== '\u007f')
    .join('');
  const external = /^[a-z][a-z0-9+.-]*:/i.test(s) || s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s);
  if (!external) {
    const parts: string[] = [];
    for (const seg of [...mapDir.split('/'), ...sourceRoot.split('/'), ...s.split(/[\\/]/)]) {
      if (seg === '' || seg === '.') continue;
      if (seg === '..') {
        if (parts.length === 0) return lastSegments(s);
        parts.pop();
      } else parts.push(seg);
    }
    s = parts.join('/');
  } else s = lastSegments(s);
  return s.slice(-MAX_SOURCE_NAME) || '(unknown)';
}

function lastSegments(s: string): string {
  return s
    .split(/[\\/]/)
    .filter((p) => p && p !== '..' && p !== '.')
    .slice(-3)
    .join('/');
}

/** From a parsed map file (beside the bundle at `mainRel`) to what the sandbox receives. */
export function toSourceMapData(map: SourceMapFile, mainRel: string): SourceMapData {
  const mapDir = mainRel.split('/').slice(0, -1).join('/');
  return { sources: map.sources.map((s) => sourceDisplayName(s, mapDir, map.sourceRoot)), mappings: map.mappings };
}
