import os from 'node:os';
import path from 'node:path';

/** A path inside the home folder as `~/…` (what prompts and the panel show); anything else as it is. */
export function homeRelative(target: string, home: string = os.homedir()): string {
  return target === home || target.startsWith(home + path.sep) ? `~${target.slice(home.length)}` : target;
}

/** Home-folder paths as `~/…` in what the panel shows (as in prompts); the log keeps them whole. */
export function forDisplay<T extends { target?: string }>(record: T, home: string = os.homedir()): T {
  const t = record.target;
  if (!t) return record;
  const shown = homeRelative(t, home);
  return shown === t ? record : { ...record, target: shown };
}
