/**
 * The permission prompt. It must not be mistakable for extension content: it is drawn by the app
 * in host chrome (a "Warden" title bar no extension output ever has, over a backdrop that covers
 * and disables the whole window), every fact on it comes from the host, and the one string the
 * extension wrote (its reason) is boxed and labelled as such. Deny has the default focus, Esc
 * denies, and Tab stays inside. One prompt at a time, oldest first.
 */
import { useEffect, useRef } from 'react';
import type { PromptData } from '../../../../electron/common/bridge/schemas';
import { useFocusTrap } from '../../components/use-focus-trap';
import { plainText } from '../../lib/format';
import { useAppStore } from '../../stores/app-store';
import type { PromptAnswer } from '../../stores/prompts-slice';
import { CAPABILITY_TITLE, CAPABILITY_VERB, parentScopeLabel } from './capability-text';
import { useNow } from './use-now';

function Countdown({ expiresAt }: { expiresAt: number }) {
  const now = useNow(250);
  const left = Math.max(0, Math.ceil((expiresAt - now) / 1000));
  return (
    <p className="prompt-countdown" data-testid="prompt-countdown" aria-live="off">
      {left > 0 ? `No answer in ${left} s means deny.` : 'Timed out: denied.'}
    </p>
  );
}

function PromptCard({ prompt, queued }: { prompt: PromptData; queued: number }) {
  const answerPrompt = useAppStore((s) => s.answerPrompt);
  const busy = useAppStore((s) => s.answering[prompt.promptId] === true);
  const ref = useRef<HTMLDivElement>(null);
  const denyRef = useRef<HTMLButtonElement>(null);
  useFocusTrap(ref);
  useEffect(() => {
    denyRef.current?.focus();
  }, [prompt.promptId]);

  const answer = (a: PromptAnswer) => void answerPrompt(prompt.promptId, a);
  const cap = prompt.capability;
  const reason = prompt.reason ? plainText(prompt.reason, 300) : '';

  return (
    <div
      ref={ref}
      className="dialog host-chrome prompt"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="prompt-title"
      aria-describedby="prompt-target"
      data-testid="prompt-modal"
      data-prompt-id={prompt.promptId}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          answer({ kind: 'deny' });
        }
      }}
    >
      <header className="dialog-header">
        <span className="host-mark" aria-hidden="true">
          ◆
        </span>
        Warden · Permission request
        {queued > 0 && <span className="prompt-queue">{queued} more waiting</span>}
      </header>
      <div className="dialog-body">
        <h2 id="prompt-title" className="prompt-title">
          <span className="ellipsis prompt-ext" title={prompt.extensionName} data-testid="prompt-extension">
            {plainText(prompt.extensionName, 120)}
          </span>{' '}
          wants to {CAPABILITY_VERB[cap]}
        </h2>
        <dl className="facts">
          <dt>Extension</dt>
          <dd>
            <span className="ellipsis" title={`${prompt.extensionName} (${prompt.extensionId})`}>
              {plainText(prompt.extensionName, 120)} <span className="muted mono">{prompt.extensionId}</span>
            </span>
          </dd>
          <dt>Publisher</dt>
          <dd data-testid="prompt-publisher">
            <span className="ellipsis" title={prompt.publisher}>
              {plainText(prompt.publisher, 120)}
            </span>
          </dd>
          <dt>Capability</dt>
          <dd data-testid="prompt-capability">
            {CAPABILITY_TITLE[cap]} <span className="muted mono">{cap}</span>
          </dd>
          <dt>Exactly</dt>
          <dd id="prompt-target" className="mono break-anywhere target" data-testid="prompt-target">
            {plainText(prompt.target, 1000)}
          </dd>
          <dt>Declared scope</dt>
          <dd className="mono break-anywhere" data-testid="prompt-scope">
            {prompt.declaredScope.length ? prompt.declaredScope.map((s) => plainText(s, 300)).join('\n') : '—'}
          </dd>
        </dl>
        {reason && (
          <figure className="ext-reason" data-testid="prompt-reason">
            <figcaption>Reason given by the extension (not checked by Warden)</figcaption>
            <blockquote className="break-anywhere">“{reason}”</blockquote>
          </figure>
        )}
        <Countdown expiresAt={prompt.expiresAt} />
      </div>
      <footer className="prompt-actions">
        <div className="prompt-row">
          <button
            ref={denyRef}
            type="button"
            className="deny"
            disabled={busy}
            data-testid="prompt-deny"
            onClick={() => answer({ kind: 'deny' })}
          >
            Deny
          </button>
          <button
            type="button"
            disabled={busy}
            data-testid="prompt-deny-always"
            onClick={() => answer({ kind: 'deny-always' })}
          >
            Always deny
          </button>
          <button
            type="button"
            disabled={busy}
            data-testid="prompt-allow-once"
            onClick={() => answer({ kind: 'allow-once' })}
          >
            Allow once
          </button>
        </div>
        <fieldset className="prompt-always" disabled={busy}>
          <legend>Always allow…</legend>
          <button
            type="button"
            data-testid="prompt-allow-item"
            title={prompt.scopes.item}
            onClick={() => answer({ kind: 'allow-always', scope: 'item' })}
          >
            <span className="choice-label">this item</span>
            <span className="mono choice-scope break-anywhere">{plainText(prompt.scopes.item, 300)}</span>
          </button>
          <button
            type="button"
            data-testid="prompt-allow-parent"
            title={prompt.scopes.parent}
            onClick={() => answer({ kind: 'allow-always', scope: 'parent' })}
          >
            <span className="choice-label">{parentScopeLabel(cap)}</span>
            <span className="mono choice-scope break-anywhere">{plainText(prompt.scopes.parent, 300)}</span>
          </button>
          <button
            type="button"
            data-testid="prompt-allow-declared"
            title={prompt.scopes.declared}
            onClick={() => answer({ kind: 'allow-always', scope: 'declared' })}
          >
            <span className="choice-label">whole declared scope</span>
            <span className="mono choice-scope break-anywhere">{plainText(prompt.scopes.declared, 300)}</span>
          </button>
        </fieldset>
      </footer>
    </div>
  );
}

export function PromptModal() {
  const first = useAppStore((s) => s.prompts[0]);
  const queued = useAppStore((s) => Math.max(0, s.prompts.length - 1));
  if (!first) return null;
  return (
    <div className="backdrop prompt-backdrop">
      <PromptCard key={first.promptId} prompt={first} queued={queued} />
    </div>
  );
}
