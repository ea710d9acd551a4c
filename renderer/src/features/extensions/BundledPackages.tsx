/**
 * What an installed extension bundles, from its signed bill of materials (SBOM): each npm package
 * with version and licence, and any advisory of the trusted feed that matches one (with the
 * version that fixes it). A package built without an SBOM says so rather than showing nothing.
 */
import type { ExtensionSummary } from '../../../../electron/common/bridge/schemas';

const severityTone = (s: string) => (s === 'critical' || s === 'high' ? 'bad' : 'warn');

export function BundledPackages({ ext }: { ext: ExtensionSummary }) {
  const bundled = ext.bundled;
  const advisories = ext.advisories ?? [];
  if (!bundled && advisories.length === 0) return null;
  const worst = advisories.some((f) => severityTone(f.severity) === 'bad') ? 'bad' : 'warn';
  return (
    <>
      {advisories.length > 0 && (
        <div className={`reason ${worst}`} role="alert" data-testid={`ext-advisories-${ext.id}`}>
          <p>Bundled packages with known vulnerabilities:</p>
          <ul>
            {advisories.map((f) => (
              <li key={`${f.package}@${f.version} ${f.id}`}>
                <span className="mono">
                  {f.package}@{f.version}
                </span>
                : <span className="mono">{[f.id, ...f.aliases].join(', ')}</span> ({f.severity}) {f.summary}
                {' — '}
                {f.fixed ? (
                  <>
                    fixed in <span className="mono">{f.fixed}</span>
                  </>
                ) : (
                  'no fixed version known'
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {bundled?.status === 'present' && bundled.packages.length > 0 ? (
        <details className="ext-perms" data-testid={`ext-bundled-${ext.id}`}>
          <summary>Bundled packages ({bundled.packages.length})</summary>
          <ul>
            {bundled.packages.map((p) => (
              <li key={`${p.name}@${p.version}`} className="break-anywhere">
                <span className="mono">
                  {p.name}@{p.version}
                </span>{' '}
                <span className="muted">({p.licenses.length ? p.licenses.join(', ') : 'no licence declared'})</span>
              </li>
            ))}
          </ul>
        </details>
      ) : bundled ? (
        <p className="muted" data-testid={`ext-bundled-${ext.id}`}>
          {bundled.status === 'absent'
            ? 'No bill of materials: this package does not list the packages it bundles'
            : bundled.status === 'invalid'
              ? 'Unreadable bill of materials'
              : 'Bundles no npm packages'}
        </p>
      ) : null}
    </>
  );
}
