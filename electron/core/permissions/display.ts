import os from 'node:os';
import path from 'node:path';

/** Home-folder paths as `~/…` in what the panel shows (as in prompts); the log keeps them whole. */
export function forDisplay<T extends { target?: string }>(record: T, home: string = os.homedir()): T {
  const t = record.target;
  if (!t || !(t === home || t.startsWith(home + path.sep))) return record;
  return { ...record, target: `~${t.slice(home.length)}` };
}
