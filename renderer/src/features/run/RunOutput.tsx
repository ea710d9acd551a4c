/** The current run: progress while it runs, then its result or its error. */
import { useEffect, useRef } from 'react';
import { formatDuration } from '../../lib/format';
import { useAppStore } from '../../stores/app-store';
import type { RunState } from '../../stores/run-slice';
import { ResultView } from './results/ResultView';
import { RunError } from './RunError';

function Progress({ run }: { run: RunState }) {
  const fraction = run.progress?.fraction ?? null;
  const pct = fraction === null ? undefined : Math.round(fraction * 100);
  return (
    <div className="run-progress-wrap">
      <div
        className={`progress${pct === undefined ? ' indeterminate' : ''}`}
        role="progressbar"
        aria-label="Command progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        data-testid="run-progress"
      >
        <div className="progress-fill" style={pct === undefined ? undefined : { width: `${pct}%` }} />
      </div>
      <p className="muted run-progress-text" data-testid="run-progress-text">
        {run.status === 'cancelling' ? 'Cancelling…' : (run.progress?.message ?? 'Running…')}
        {pct !== undefined ? ` (${pct}%)` : ''}
      </p>
    </div>
  );
}

export function RunOutput() {
  const run = useAppStore((s) => s.run);
  const ref = useRef<HTMLElement>(null);
  const runId = run?.runId;
  const status = run?.status;
  // Bring a new run, and then its outcome, into view (a long form can push it below the fold).
  useEffect(() => {
    if (runId) ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [runId, status]);
  if (!run) return null;
  const running = run.status === 'running' || run.status === 'cancelling';
  return (
    <section
      ref={ref}
      className="run-output"
      aria-live="polite"
      aria-busy={running}
      data-testid="run-result"
      data-status={run.status}
      data-run-id={run.runId}
    >
      <header className="run-output-header">
        <span className="ellipsis" title={run.title}>
          {run.title}
        </span>
        <span className={`badge status-${run.status}`} data-testid="run-status">
          {run.status}
        </span>
        {run.durationMs !== undefined && <span className="muted">{formatDuration(run.durationMs)}</span>}
      </header>
      {running && <Progress run={run} />}
      {run.status === 'done' && run.result && (
        <div className="result-body" data-testid="result-body" data-result-type={run.result.type}>
          <ResultView result={run.result} />
        </div>
      )}
      {(run.status === 'failed' || run.status === 'cancelled') && run.error && <RunError run={run} error={run.error} />}
    </section>
  );
}
