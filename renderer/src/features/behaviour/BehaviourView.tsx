/**
 * Behaviour: what extensions did that their learnt baseline did not expect (a new destination, a
 * new folder, an unusual volume), newest first, with the response the host took. "This is
 * expected" folds a finding into the baseline (and lifts a quarantine it caused); "Details" opens
 * the incident around it. Everything is learnt and kept on this machine.
 */
import type { FindingData } from '../../../../electron/common/bridge/schemas';
import { formatFullDateTime, formatWhen } from '../../lib/format';
import { useAppStore } from '../../stores/app-store';
import { useNow } from '../prompts/use-now';
import { IncidentView } from './IncidentView';
import { responseText, ruleText, severityTone } from './finding-text';

function FindingRow({ f, now }: { f: FindingData; now: number }) {
  const name = useAppStore((s) => s.extensions.find((e) => e.id === f.ext)?.name ?? f.ext);
  const accept = useAppStore((s) => s.acceptFinding);
  const open = useAppStore((s) => s.openIncident);
  const busy = useAppStore((s) => s.busy[`finding:${f.id}`] !== undefined);
  const loading = useAppStore((s) => s.incidentLoading === f.id);
  return (
    <tr
      data-testid={`finding-${f.id}`}
      data-state={f.state}
      data-severity={f.severity}
      className={f.state === 'accepted' ? 'dimmed' : undefined}
    >
      <td className="nowrap" title={formatFullDateTime(f.t)}>
        {formatWhen(f.t, now)}
      </td>
      <td>
        <span className="finding-ext">{name}</span> <span className="muted nowrap">{f.version}</span>
        {f.afterUpdate && <span className="badge tone-warn finding-update">after an update</span>}
      </td>
      <td>
        <span className={`badge ${severityTone(f)}`}>{f.severity}</span>
      </td>
      <td className="finding-what">
        <strong>{ruleText(f.rule)}</strong>
        <span className="wrap-anywhere"> — {f.why}</span>
      </td>
      <td data-testid="finding-response">
        {f.state === 'accepted' ? 'marked expected' : responseText(f.response)}
        {f.rollbackTo && f.state === 'open' ? `; rolled back to ${f.rollbackTo}` : ''}
      </td>
      <td className="row-actions">
        <button
          type="button"
          disabled={loading}
          data-testid={`finding-details-${f.id}`}
          aria-label={`Details of ${ruleText(f.rule).toLowerCase()} by ${name}`}
          onClick={() => void open(f.id)}
        >
          Details
        </button>
        {f.state === 'open' && (
          <button
            type="button"
            disabled={busy}
            data-testid={`finding-accept-${f.id}`}
            aria-label={`This is expected of ${name}: ${ruleText(f.rule).toLowerCase()}`}
            onClick={() => void accept(f.id)}
          >
            This is expected
          </button>
        )}
      </td>
    </tr>
  );
}

export function BehaviourView() {
  const findings = useAppStore((s) => s.findings);
  const loaded = useAppStore((s) => s.anomaliesLoaded);
  const enabled = useAppStore((s) => s.anomaliesEnabled);
  const error = useAppStore((s) => s.anomaliesError);
  const showAccepted = useAppStore((s) => s.showAccepted);
  const setShowAccepted = useAppStore((s) => s.setShowAccepted);
  const incident = useAppStore((s) => s.incident);
  const now = useNow(15_000);

  return (
    <div className="view behaviour-view">
      <div className="view-header">
        <h1>Behaviour</h1>
        <span className="muted">
          What each extension normally does is learnt on this computer; nothing leaves it. Anything new is listed here.
        </span>
        <label className="toggle">
          <input
            type="checkbox"
            checked={showAccepted}
            data-testid="findings-show-accepted"
            onChange={(e) => void setShowAccepted(e.target.checked)}
          />
          Show ones marked expected
        </label>
      </div>
      {!enabled && (
        <p className="reason warn" data-testid="behaviour-off">
          Behaviour baselines are turned off by the admin policy (behaviour.enabled is false): nothing new is noticed.
        </p>
      )}
      {error && <p className="reason bad">Could not load the findings: {error}</p>}
      {incident && <IncidentView incident={incident} />}
      <div className="table-scroll card">
        <table className="data-table findings-table" data-testid="findings-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Extension</th>
              <th scope="col">Severity</th>
              <th scope="col">What happened</th>
              <th scope="col">Response</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {findings.map((f) => (
              <FindingRow key={f.id} f={f} now={now} />
            ))}
          </tbody>
        </table>
        {loaded && !error && findings.length === 0 && (
          <p className="empty muted" data-testid="findings-empty">
            Nothing unusual{showAccepted ? '' : ' to review'}.
          </p>
        )}
      </div>
    </div>
  );
}
