/**
 * Reads an extension's source map (`<main>.map`, written by `warden build`) for the sandbox, which
 * uses it to name the author's files in errors, stacks and console lines. The map is the
 * extension's own file, so it is untrusted input to the host: a regular file only (no symlink
 * followed out of the folder), at most MAX_SOURCE_MAP_BYTES, strict JSON (no duplicate keys),
 * schema-checked. Any problem means "no map": positions then name the bundle, as without one.
 */
import fs from 'node:fs/promises';
import { constants } from 'node:fs';
import { parseStrictJson } from '../../common/strict-json';
import {
  MAX_SOURCE_MAP_BYTES,
  SourceMapFileSchema,
  toSourceMapData,
  type SourceMapData,
} from '../../common/source-map';

export async function readSourceMap(
  mainPath: string,
  mainRel: string,
  maxBytes = MAX_SOURCE_MAP_BYTES,
): Promise<SourceMapData | undefined> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(`${mainPath}.map`, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    const st = await handle.stat();
    if (!st.isFile() || st.size > maxBytes) return undefined;
    const buf = Buffer.alloc(st.size);
    const { bytesRead } = await handle.read(buf, 0, st.size, 0);
    const parsed = SourceMapFileSchema.safeParse(parseStrictJson(buf.subarray(0, bytesRead).toString('utf8')));
    return parsed.success ? toSourceMapData(parsed.data, mainRel) : undefined;
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => {});
  }
}
