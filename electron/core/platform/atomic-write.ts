/** Write-then-rename with fsync, so a crash leaves the old file or the new one, never a mix. */
import fs from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';

/** `before`: renamed into place only once it resolves (what the new file refers to is durable). */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  mode = 0o600,
  before?: Promise<void>,
): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await before;
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
