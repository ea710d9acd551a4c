/**
 * The deprecated host calls an extension has made (common/api-deprecations.ts): they still work
 * until the API version that removes them; the publisher should move to the replacement.
 */
import type { ExtensionSummary } from '../../../../electron/common/bridge/schemas';

export function DeprecatedCalls({ ext }: { ext: ExtensionSummary }) {
  const calls = ext.deprecatedCalls;
  if (!calls?.length) return null;
  return (
    <ul className="reason warn ext-deprecated" data-testid={`ext-deprecated-${ext.id}`}>
      {calls.map((d) => (
        <li key={d.call} title={d.message}>
          Uses <span className="mono">host.{d.call}</span>,{' '}
          {d.removed ? 'which has been removed' : `which is deprecated and stops working in API ${d.removedIn}`}
          {d.replacement ? (
            <>
              {' '}
              (use <span className="mono">host.{d.replacement}</span>)
            </>
          ) : null}
          .
        </li>
      ))}
    </ul>
  );
}
