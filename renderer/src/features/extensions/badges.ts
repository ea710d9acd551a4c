/** The state badges of an extension row, most important first. */
import type { ExtensionSummary } from '../../../../electron/common/bridge/schemas';

export type BadgeTone = 'good' | 'neutral' | 'warn' | 'bad' | 'info';
export interface BadgeInfo {
  /** Stable key, used in `data-testid="ext-badge-<key>"`. */
  key: string;
  label: string;
  tone: BadgeTone;
  title?: string;
}

const STATE_TONE: Record<ExtensionSummary['state'], BadgeTone> = {
  running: 'good',
  idle: 'neutral',
  starting: 'info',
  stopping: 'info',
  crashed: 'bad',
  failed: 'bad',
  quarantined: 'bad',
  disabled: 'neutral',
};

export function extensionBadges(e: ExtensionSummary): BadgeInfo[] {
  const out: BadgeInfo[] = [];
  if (e.blocked) out.push({ key: 'blocked', label: 'blocked', tone: 'bad', title: e.blocked });
  if (e.quarantine || e.state === 'quarantined') {
    out.push({
      key: 'quarantined',
      label: 'quarantined',
      tone: 'bad',
      ...(e.quarantine ? { title: e.quarantine.reason } : {}),
    });
  } else if (!e.enabled || e.state === 'disabled') {
    out.push({ key: 'disabled', label: 'disabled', tone: 'neutral' });
  } else {
    const exit = e.lastExit && !e.lastExit.expected ? { title: `Last exit: ${e.lastExit.reason}` } : {};
    out.push({ key: e.state, label: e.state, tone: STATE_TONE[e.state], ...exit });
  }
  if (e.unsigned)
    out.push({
      key: 'unsigned',
      label: 'unsigned (developer)',
      tone: 'warn',
      title: 'Loaded from a folder without a signature',
    });
  if (e.pendingUpdate) {
    out.push({ key: 'pending-update', label: `${e.pendingUpdate.version} awaits approval`, tone: 'warn' });
  } else if (e.updateAvailable) {
    out.push({ key: 'update', label: `update ${e.updateAvailable}`, tone: 'info' });
  }
  if (e.strikes > 0)
    out.push({ key: 'strikes', label: `${e.strikes} strike${e.strikes === 1 ? '' : 's'}`, tone: 'warn' });
  return out;
}
