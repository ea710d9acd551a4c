/** Navigation between the views, with counts that matter at a glance. */
import { useAppStore } from '../../stores/app-store';
import { VIEWS, type View } from '../../stores/ui-slice';

const LABELS: Record<View, string> = {
  extensions: 'Extensions',
  run: 'Run',
  resources: 'Resources',
  behaviour: 'Behaviour',
  permissions: 'Permissions',
  activity: 'Activity',
};

export function Sidebar() {
  const view = useAppStore((s) => s.view);
  const setView = useAppStore((s) => s.setView);
  const troubled = useAppStore(
    (s) => s.extensions.filter((e) => e.state === 'quarantined' || e.state === 'crashed' || e.pendingUpdate).length,
  );
  const openFindings = useAppStore((s) => s.findings.filter((f) => f.state === 'open').length);
  return (
    <nav className="sidebar" aria-label="Views">
      <ul>
        {VIEWS.map((v) => (
          <li key={v}>
            <button
              type="button"
              className={`nav-item${v === view ? ' active' : ''}`}
              aria-current={v === view ? 'page' : undefined}
              data-testid={`nav-${v}`}
              onClick={() => setView(v)}
            >
              {LABELS[v]}
              {v === 'extensions' && troubled > 0 && (
                <span className="nav-count" title="Extensions that need attention">
                  {troubled}
                </span>
              )}
              {v === 'behaviour' && openFindings > 0 && (
                <span className="nav-count" title="Unusual behaviour not yet reviewed">
                  {openFindings}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
