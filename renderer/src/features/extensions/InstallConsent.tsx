/**
 * The consent screen before an install or update: the host's security brief (who publishes it and
 * its key, what it can do in plain words with the exact patterns beside them, what an update adds
 * and removes, limits, bundled packages, advisories, and the risk level with its reasons). Host
 * chrome like every Warden dialog; Cancel has the default focus and Esc cancels, so a stray Enter
 * installs nothing (the frame is HostDialog's).
 */
import type { BriefCapability, SecurityBrief } from '../../../../electron/common/security-brief';
import { HostDialog } from '../../components/HostDialog';
import { useAppStore } from '../../stores/app-store';

const RISK_TONE = { low: 'tone-good', medium: 'tone-warn', high: 'tone-bad' } as const;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function Capabilities({ items, mark, testid }: { items: BriefCapability[]; mark?: string; testid: string }) {
  return (
    <ul className="brief-list" data-testid={testid}>
      {items.map((c, i) => (
        <li key={`${c.capability}-${c.pattern ?? ''}-${i}`}>
          {mark && (
            <span className="brief-mark" aria-hidden="true">
              {mark}
            </span>
          )}
          <span>{c.words}</span>
          {c.pattern && (
            <span className="mono muted break-anywhere brief-pattern">{`${c.capability} ${c.pattern}`}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

function KeyLine({ brief }: { brief: SecurityBrief }) {
  if (!brief.signed || !brief.key) {
    return <p data-testid="brief-key">Unsigned developer copy: nobody vouches for who wrote it.</p>;
  }
  const k = brief.key;
  return (
    <>
      <p className="mono break-anywhere brief-fingerprint" data-testid="brief-fingerprint">
        {k.fingerprint}
      </p>
      <p data-testid="brief-key" className={k.status === 'changed' ? 'reason bad' : undefined}>
        {k.status === 'new'
          ? 'First seen: this key will be pinned to the extension when you install it.'
          : k.status === 'pinned'
            ? `Pinned since ${day(k.pinnedAt ?? 0)}: the same key as before.`
            : `A different key than the one pinned on ${day(k.pinnedAt ?? 0)}.`}
      </p>
    </>
  );
}

function BriefBody({ brief }: { brief: SecurityBrief }) {
  const update = brief.kind === 'update';
  return (
    <div className="dialog-body brief-body">
      <h2 id="brief-title">
        {update ? `Update ${brief.name} ${brief.from} → ${brief.version}?` : `Install ${brief.name} ${brief.version}?`}
      </h2>
      <div className="brief-risk" data-testid="brief-risk" data-level={brief.risk.level}>
        <span className={`badge ${RISK_TONE[brief.risk.level]}`}>{brief.risk.level} risk</span>
        <ul className="brief-reasons" id="brief-reasons">
          {brief.risk.reasons.map((r) => (
            <li key={r.rule}>{r.words}</li>
          ))}
        </ul>
      </div>
      <section aria-labelledby="brief-publisher">
        <h3 id="brief-publisher">
          Published by <span className="mono">{brief.publisher}</span>
          {brief.signed ? ', signed' : ''}
        </h3>
        <KeyLine brief={brief} />
      </section>
      {update && brief.changes && (
        <section aria-labelledby="brief-changes">
          <h3 id="brief-changes">Compared with {brief.from}</h3>
          {brief.changes.added.length === 0 && brief.changes.removed.length === 0 && (
            <p className="muted">No change in what it can do.</p>
          )}
          {brief.changes.added.length > 0 && <Capabilities items={brief.changes.added} mark="+" testid="brief-added" />}
          {brief.changes.removed.length > 0 && (
            <Capabilities items={brief.changes.removed} mark="−" testid="brief-removed" />
          )}
        </section>
      )}
      <section aria-labelledby="brief-can">
        <h3 id="brief-can">What it can do</h3>
        {brief.capabilities.length ? (
          <Capabilities items={brief.capabilities} testid="brief-capabilities" />
        ) : (
          <p className="muted" data-testid="brief-capabilities">
            Nothing beyond its own storage.
          </p>
        )}
      </section>
      <details className="brief-more">
        <summary>Limits, bundled packages and advisories</summary>
        <h3>Limits</h3>
        <ul className="brief-list" data-testid="brief-limits">
          {brief.limits.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
        <h3>Bundled packages</h3>
        {!brief.components ? (
          <p className="muted">Not listed: the package carries no list of what it bundles.</p>
        ) : brief.components.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul className="brief-list" data-testid="brief-components">
            {brief.components.map((c) => (
              <li key={`${c.name}@${c.version}`}>
                <span className="mono">
                  {c.name} {c.version}
                </span>
                {c.licence && <span className="muted"> ({c.licence})</span>}
              </li>
            ))}
          </ul>
        )}
      </details>
      <h3>Advisories</h3>
      {brief.advisories.length === 0 ? (
        <p className="muted" data-testid="brief-advisories">
          None known.
        </p>
      ) : (
        <ul className="brief-list" data-testid="brief-advisories">
          {brief.advisories.map((a) => (
            <li key={a.id}>
              <span
                className={`badge ${a.severity === 'critical' || a.severity === 'high' ? 'tone-bad' : 'tone-warn'}`}
              >
                {a.severity}
              </span>{' '}
              <span className="mono">{a.id}</span> in {a.package}
              {a.fixed ? `, fixed in ${a.fixed}` : ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function InstallConsent() {
  const consent = useAppStore((s) => s.consent);
  const answer = useAppStore((s) => s.answerConsent);
  if (!consent) return null;
  const { brief } = consent;
  const verb = brief.kind === 'update' ? 'Update' : 'Install';
  return (
    <HostDialog
      title="Warden · security brief"
      className="brief"
      labelledBy="brief-title"
      describedBy="brief-reasons"
      testid="install-consent"
      confirmLabel={brief.kind === 'update' && (brief.changes?.added.length ?? 0) > 0 ? `${verb} and allow` : verb}
      danger={brief.risk.level === 'high'}
      cancelTestid="consent-cancel"
      confirmTestid="consent-confirm"
      onAnswer={answer}
    >
      <BriefBody brief={brief} />
    </HostDialog>
  );
}
