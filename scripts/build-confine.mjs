// Builds native/warden-confine (the Linux OS wall around extension processes) into
// dist/native/warden-confine with the C compiler Node's addons use (cc, else gcc, else clang).
// No compiler, or not Linux: says so and continues; the launcher then picks bubblewrap, Node's
// permission model or SES only, and every extension's status shows which.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function buildConfine(root, { quiet = false } = {}) {
  const say = (m) => quiet || console.log(m);
  const src = path.join(root, 'native', 'warden-confine', 'warden-confine.c');
  const out = path.join(root, 'dist', 'native', 'warden-confine');
  if (process.platform !== 'linux') {
    say(`warden-confine: not built (${process.platform}: the Landlock/seccomp wall is Linux-only)`);
    return { built: false };
  }
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(src).mtimeMs) return { built: true };
  const compilers = [process.env.CC, 'cc', 'gcc', 'clang'].filter(Boolean);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  for (const cc of compilers) {
    const tmp = `${out}.${process.pid}.tmp`;
    const r = spawnSync(cc, ['-O2', '-Wall', '-Wextra', '-o', tmp, src], { encoding: 'utf8' });
    if (r.error) continue; // not installed: try the next
    if (r.status !== 0) {
      fs.rmSync(tmp, { force: true });
      console.warn(`warden-confine: ${cc} failed; extensions run without the Landlock/seccomp wall\n${r.stderr}`);
      return { built: false };
    }
    fs.renameSync(tmp, out);
    say(`built dist/native/warden-confine (${cc})`);
    return { built: true };
  }
  console.warn('warden-confine: no C compiler (cc/gcc/clang); extensions run without the Landlock/seccomp wall');
  return { built: false };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildConfine(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
}
