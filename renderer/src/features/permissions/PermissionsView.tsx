/** Stored grants and denials per extension, each revocable, and the admin policy in force. */
import { useEffect, useMemo } from 'react';
import type { GrantData } from '../../../../electron/common/bridge/schemas';
import { Ellipsis } from '../../components/Ellipsis';
import { formatDateTime } from '../../lib/format';
import { useAppStore } from '../../stores/app-store';

function GrantRow({ grant }: { grant: GrantData }) {
  const revoke = useAppStore((s) => s.revokeGrant);
  const busy = useAppStore((s) => s.revoking[grant.id] === true);
  return (
    <tr data-testid={`grant-row-${grant.id}`} data-capability={grant.capability} data-effect={grant.effect}>
      <td className="mono">{grant.capability}</td>
      <td>
        <span className={`badge ${grant.effect === 'allow' ? 'tone-good' : 'tone-bad'}`}>
          {grant.effect === 'allow' ? 'allowed' : 'denied'}
        </span>
      </td>
      <td className="scope-cell">
        <Ellipsis text={grant.scope} className="mono" />
        {grant.picked && <span className="muted"> (chosen in a picker)</span>}
      </td>
      <td className="muted nowrap">{formatDateTime(grant.createdAt)}</td>
      <td className="row-actions">
        <button
          type="button"
          disabled={busy}
          data-testid={`grant-revoke-${grant.id}`}
          onClick={() => void revoke(grant.id)}
        >
          Revoke
        </button>
      </td>
    </tr>
  );
}

export function PermissionsView() {
  const grants = useAppStore((s) => s.grants);
  const loaded = useAppStore((s) => s.grantsLoaded);
  const error = useAppStore((s) => s.grantsError);
  const policy = useAppStore((s) => s.policy);
  const extensions = useAppStore((s) => s.extensions);
  const loadGrants = useAppStore((s) => s.loadGrants);
  const loadPolicy = useAppStore((s) => s.loadPolicy);

  // Fresh when the view opens (grants also change on answers elsewhere).
  useEffect(() => {
    void loadGrants();
    void loadPolicy();
  }, [loadGrants, loadPolicy]);

  const groups = useMemo(() => {
    const m = new Map<string, GrantData[]>();
    for (const g of grants) m.set(g.extensionId, [...(m.get(g.extensionId) ?? []), g]);
    return [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [grants]);
  const nameOf = (id: string) => extensions.find((e) => e.id === id)?.name ?? id;

  return (
    <div className="view permissions-view">
      <div className="view-header">
        <h1>Permissions</h1>
        <span className="muted">Answers you chose to remember. Revoking one means you are asked again next time.</span>
      </div>
      {error && <p className="reason bad">Could not load grants: {error}</p>}
      {loaded && !error && grants.length === 0 && <p className="empty muted">No stored permissions.</p>}
      {groups.map(([extId, list]) => (
        <section key={extId} className="card grant-group" data-testid={`grant-group-${extId}`}>
          <h2 className="ellipsis" title={`${nameOf(extId)} (${extId})`}>
            {nameOf(extId)} <span className="muted mono">{extId}</span>
          </h2>
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Capability</th>
                  <th scope="col">Answer</th>
                  <th scope="col">Scope</th>
                  <th scope="col">Since</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((g) => (
                  <GrantRow key={g.id} grant={g} />
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
      <section className="card policy" data-testid="policy">
        <h2>
          Admin policy{' '}
          {policy && (
            <span className="muted" data-testid="policy-rules">
              ({policy.rules === 1 ? '1 rule' : `${policy.rules} rules`})
            </span>
          )}
        </h2>
        <p className="muted">Set by your administrator; it wins over any answer above.</p>
        {policy && policy.text.trim() ? (
          <pre className="policy-text" data-testid="policy-text">
            {policy.text}
          </pre>
        ) : (
          <p className="muted" data-testid="policy-empty">
            No policy in force.
          </p>
        )}
      </section>
    </div>
  );
}
