/**
 * Which wall this machine can put around an extension process, probed once per process:
 * Landlock + seccomp through the warden-confine helper (built at install) → bubblewrap (when
 * installed and user namespaces are allowed) → Node's permission model (plain Node only) → none.
 * A mechanism asked for by name that the machine lacks is an error, never a quiet downgrade.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { WALL_MECHANISMS, wallStatus, type WallMechanism, type WallStatus } from '../../common/wall';

export type WallChoice = 'auto' | WallMechanism;
export const WALL_CHOICES: readonly WallChoice[] = ['auto', ...WALL_MECHANISMS];

export interface WallProbeOptions {
  choice: WallChoice;
  helperPath?: string;
  bwrapPath?: string;
  /** False for a runtime that is not Node itself (Electron drops the permission flags). */
  nodePermissionUsable: boolean;
  platform?: NodeJS.Platform;
}

export interface ProbedWall {
  status: WallStatus;
  /** Why each better mechanism was not taken (shown with --verbose). */
  skipped: string[];
}

/** `warden-confine 1 landlock=7 fs=1 net=1 scope=1 seccomp=1 …` → the fields, or undefined. */
export function parseConfineStatus(line: string): Record<string, number> | undefined {
  const m = /^warden-confine 1((?: [a-z]+=\d+)+)\s*$/.exec(line.trim());
  if (!m) return undefined;
  const fields: Record<string, number> = {};
  for (const kv of m[1]!.trim().split(' ')) {
    const [k, v] = kv.split('=');
    fields[k!] = Number(v);
  }
  return fields;
}

/** The wrapper's status says every layer it must apply is up. */
export function confineComplete(f: Record<string, number> | undefined): boolean {
  return (
    !!f && f.landlock! >= 1 && f.fs === 1 && f.seccomp === 1 && f.nnp === 1 && f.session === 1 && f.pdeathsig === 1
  );
}

const memo = new Map<string, { ok: boolean; why: string }>();
function once(key: string, run: () => { ok: boolean; why: string }) {
  let r = memo.get(key);
  if (!r) memo.set(key, (r = run()));
  return r;
}

function probeHelper(helperPath: string | undefined) {
  return once(`confine:${helperPath}`, () => {
    if (!helperPath || !fs.existsSync(helperPath))
      return { ok: false, why: 'warden-confine was not built (no C compiler at install?)' };
    const r = spawnSync(helperPath, ['--probe'], { encoding: 'utf8', timeout: 5000, env: {} });
    const f = parseConfineStatus(r.stdout ?? '');
    if (r.status !== 0 || !f || !(f.landlock! >= 1))
      return { ok: false, why: 'Landlock is not available on this kernel' };
    if (f.seccomp !== 1) return { ok: false, why: 'seccomp filters are not available' };
    const parts = [`Landlock ABI ${f.landlock}`];
    if (f.net !== 1) parts.push('TCP rules unavailable (seccomp denies sockets)');
    if (f.scope !== 1) parts.push('signal scoping unavailable (seccomp limits signals)');
    return { ok: true, why: parts.join('; ') };
  });
}

function probeBwrap(bwrapPath: string) {
  return once(`bwrap:${bwrapPath}`, () => {
    const r = spawnSync(
      bwrapPath,
      ['--unshare-all', '--die-with-parent', '--new-session', '--ro-bind', '/', '/', '--', '/bin/true'],
      { encoding: 'utf8', timeout: 5000, env: {} },
    );
    if (r.error) return { ok: false, why: 'bubblewrap is not installed' };
    if (r.status !== 0)
      return { ok: false, why: `bubblewrap cannot create namespaces here (${(r.stderr ?? '').trim().slice(0, 120)})` };
    return { ok: true, why: 'bubblewrap, every namespace unshared' };
  });
}

export function probeWall(o: WallProbeOptions): ProbedWall {
  const platform = o.platform ?? process.platform;
  const skipped: string[] = [];
  const available = (m: WallMechanism): { ok: boolean; why: string } => {
    if (m === 'none') return { ok: true, why: 'no second wall' };
    if (m === 'node-permission')
      return o.nodePermissionUsable
        ? { ok: true, why: 'Node permission model (a seat belt, not a boundary)' }
        : { ok: false, why: 'this runtime does not honour Node permission flags' };
    if (platform !== 'linux') return { ok: false, why: `no ${m} on ${platform}` };
    return m === 'landlock-seccomp' ? probeHelper(o.helperPath) : probeBwrap(o.bwrapPath ?? 'bwrap');
  };
  if (o.choice !== 'auto') {
    const r = available(o.choice);
    if (!r.ok) throw new Error(`the ${o.choice} wall is not available: ${r.why}`);
    return { status: wallStatus(o.choice, r.why), skipped };
  }
  for (const m of WALL_MECHANISMS) {
    const r = available(m);
    if (r.ok) return { status: wallStatus(m, r.why), skipped };
    skipped.push(`${m}: ${r.why}`);
  }
  return { status: wallStatus('none'), skipped };
}
