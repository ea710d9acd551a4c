/** The capped read of an opened file (fs-gateway.ts): never more than the read limit in memory. */
import type { FileHandle } from 'node:fs/promises';
import { WardenError } from '../../../common/errors';

/** Reads at most `maxRead` bytes; more (a file that grew since fstat) is E2BIG. */
export async function readCapped(
  handle: FileHandle,
  size: number,
  maxRead: number,
  given: string,
): Promise<Uint8Array> {
  let buf = new Uint8Array(Math.min(size, maxRead) + 1);
  let total = 0;
  for (;;) {
    if (total === buf.length) {
      if (buf.length > maxRead) break;
      const next = new Uint8Array(Math.min(buf.length * 2, maxRead + 1));
      next.set(buf);
      buf = next;
    }
    const { bytesRead } = await handle.read(buf, total, buf.length - total, total);
    if (bytesRead === 0) break;
    total += bytesRead;
    // Asked for one byte more than fstat's size and got exactly the size: that is the end of
    // the file, and a read to see 0 bytes would be a second thread-pool round trip for nothing.
    if (total === size && total < buf.length) break;
  }
  if (total > maxRead) throw new WardenError('E2BIG', `${given} is larger than ${maxRead} bytes`);
  return buf.slice(0, total);
}
