/** What the panel shows of one extension, assembled from the manifest, the registry and the supervisor. */
import type { Manifest } from '../../common/manifest';
import type { CommandInfo, ExtensionSummary, ParamSpec } from '../../common/bridge/schemas';
import type { ExtensionStatus } from '../supervision/supervisor';
import type { AdvisoryFinding, PackageSbom } from '../packages';
import { isRemoved } from '../../common/api-deprecations';
import { WARDEN_API_VERSION } from '../../common/version';
import { DEFAULT_LIMITS } from '../../common/limits';

export interface SummarySource {
  manifest: Manifest;
  enabled: boolean;
  unsigned: boolean;
  blocked?: string;
  pending?: { version: string; addedPermissions: string[] };
  rollbackTo?: string;
  updateAvailable?: string;
  /** Why a newer catalog version is held back from this installation (rollout.ts). */
  staged?: string;
  /** Installed packages only: what its SBOM lists, and the advisories that match it. */
  sbom?: PackageSbom;
  advisories?: AdvisoryFinding[];
  /** The installed package's pinned publisher key (absent for developer folders and unsigned installs). */
  signer?: { publisher: string; fingerprint: string };
}

/** How many recent strikes the summary carries (the window holds few; bounded anyway). */
const MAX_RECENT_STRIKES = 20;

export function permissionLines(manifest: Manifest): string[] {
  const p = manifest.permissions;
  const lines: string[] = [];
  for (const cap of ['fs.read', 'fs.write', 'net'] as const) for (const t of p[cap] ?? []) lines.push(`${cap} ${t}`);
  for (const s of p.secrets ?? []) lines.push(`secrets ${s}`);
  if (p.notifications) lines.push('notifications');
  return lines;
}

export function commandInfos(manifest: Manifest): CommandInfo[] {
  return manifest.contributes.commands.map((c) => ({
    id: c.id,
    title: c.title,
    ...(c.description ? { description: c.description } : {}),
    params: Object.fromEntries(Object.entries(c.params ?? {}).map(([name, spec]) => [name, spec as ParamSpec])),
  }));
}

export function summarize(src: SummarySource, status: ExtensionStatus | undefined): ExtensionSummary {
  const m = src.manifest;
  return {
    id: m.id,
    name: m.name,
    version: m.version,
    publisher: m.publisher,
    ...(m.description ? { description: m.description } : {}),
    state: !src.enabled ? 'disabled' : (status?.state ?? 'idle'),
    enabled: src.enabled,
    unsigned: src.unsigned,
    ...(src.signer && !src.unsigned ? { signer: src.signer } : {}),
    ...(src.blocked ? { blocked: src.blocked } : {}),
    ...(src.updateAvailable ? { updateAvailable: src.updateAvailable } : {}),
    ...(src.staged ? { staged: src.staged } : {}),
    ...(src.pending ? { pendingUpdate: src.pending } : {}),
    ...(src.rollbackTo ? { rollbackTo: src.rollbackTo } : {}),
    ...(status?.quarantine ? { quarantine: { reason: status.quarantine.reason, since: status.quarantine.since } } : {}),
    ...(status?.lastExit ? { lastExit: status.lastExit } : {}),
    ...(status?.wall ? { walls: status.wall.label } : {}),
    ...(status?.deprecatedCalls?.length
      ? {
          deprecatedCalls: status.deprecatedCalls.map((d) => ({
            call: d.call,
            removedIn: d.removedIn,
            ...(d.replacement ? { replacement: d.replacement } : {}),
            removed: isRemoved(d, WARDEN_API_VERSION),
            message: d.message,
          })),
        }
      : {}),
    limits: {
      cpuPercent: m.limits.cpuPercent ?? DEFAULT_LIMITS.cpuPercent,
      memoryMb: m.limits.memoryMb ?? DEFAULT_LIMITS.memoryMb,
    },
    ...(status && status.strikes.length > 0
      ? {
          recentStrikes: status.strikes
            .slice(-MAX_RECENT_STRIKES)
            .map((s) => ({ at: s.at, reason: s.reason.length > 500 ? `${s.reason.slice(0, 499)}…` : s.reason })),
        }
      : {}),
    strikes: status?.strikes.length ?? 0,
    commands: commandInfos(m),
    permissions: permissionLines(m),
    ...(src.sbom ? { bundled: bundledOf(src.sbom) } : {}),
    ...(src.advisories?.length ? { advisories: src.advisories.slice(0, 200) } : {}),
  };
}

/** The SBOM as the panel shows it (bounded: the bridge carries at most 2,000 packages). */
function bundledOf(sbom: PackageSbom): NonNullable<ExtensionSummary['bundled']> {
  if (sbom.status !== 'present') return { status: sbom.status, packages: [] };
  return {
    status: 'present',
    packages: sbom.components.slice(0, 2000).map((c) => ({ name: c.name, version: c.version, licenses: c.licenses })),
  };
}
