/**
 * The permission prompt. It must not be mistakable for extension content: it is drawn by the app
 * in host chrome (a "Warden" title bar no extension output ever has, over a backdrop that covers
 * and disables the whole window), every fact on it comes from the host, and the one string the
 * extension wrote (its reason) is boxed and labelled as such. It reads as one plain sentence with
 * three answers — Deny, Allow once, Always allow — and what "always" covers (this item, this
 * folder and everything in it, the whole declared scope) behind a disclosure in words, like the
 * OS prompts people know. Deny has the default focus, Esc denies, and Tab stays inside. One prompt
 * at a time, oldest first.
 */
import { useEffect, useRef, useState } from 'react';
import type { PromptData } from '../../../../electron/common/bridge/schemas';
import { useFocusTrap } from '../../components/use-focus-trap';
import { plainText } from '../../lib/format';
import { useAppStore } from '../../stores/app-store';
import type { PromptAnswer } from '../../stores/prompts-slice';
import { CAPABILITY_TITLE, CAPABILITY_VERB, scopeLabel, type AlwaysScope } from './capability-text';
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

const SCOPES: AlwaysScope[] = ['item', 'parent', 'declared'];

/** "Always allow" covers the narrowest scope unless the user opens the choice and picks a wider one. */
function ScopeChoice({
  prompt,
  scope,
  onScope,
  onDenyAlways,
}: {
  prompt: PromptData;
  scope: AlwaysScope;
  onScope: (s: AlwaysScope) => void;
  onDenyAlways: () => void;
}) {
  const cap = prompt.capability;
  return (
    <details className="prompt-more" data-testid="prompt-more">
      <summary id="prompt-always-covers">
        “Always allow” covers <strong>{scopeLabel(cap, scope)}</strong>. Change, or always deny…
      </summary>
      <fieldset className="prompt-scopes">
        <legend>“Always allow” covers</legend>
        {SCOPES.map((s) => (
          <label key={s} className="prompt-scope-option">
            <input
              type="radio"
              name={`scope-${prompt.promptId}`}
              value={s}
              checked={scope === s}
              data-testid={`prompt-scope-${s}`}
              onChange={() => onScope(s)}
            />
            <span className="choice-label">{scopeLabel(cap, s)}</span>
            <span className="mono choice-scope break-anywhere">{plainText(prompt.scopes[s], 300)}</span>
          </label>
        ))}
      </fieldset>
      <button type="button" className="link-button" data-testid="prompt-deny-always" onClick={onDenyAlways}>
        Always deny: never ask again for this
      </button>
    </details>
  );
}

function PromptCard({ prompt, queued }: { prompt: PromptData; queued: number }) {
  const answerPrompt = useAppStore((s) => s.answerPrompt);
  const busy = useAppStore((s) => s.answering[prompt.promptId] === true);
  const [scope, setScope] = useState<AlwaysScope>('item');
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
      aria-describedby="prompt-sentence"
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
        <span id="prompt-title">Warden · Permission request</span>
        {queued > 0 && <span className="prompt-queue">{queued} more waiting</span>}
      </header>
      <div className="dialog-body">
        <p id="prompt-sentence" className="prompt-sentence">
          <strong className="prompt-ext" data-testid="prompt-extension">
            {plainText(prompt.extensionName, 120)}
          </strong>{' '}
          <span className="muted">
            (by <span data-testid="prompt-publisher">{plainText(prompt.publisher, 120)}</span>)
          </span>{' '}
          {CAPABILITY_VERB[cap]}{' '}
          <span className="mono break-anywhere target" data-testid="prompt-target">
            {plainText(prompt.target, 1000)}
          </span>
        </p>
        {reason && (
          <figure className="ext-reason" data-testid="prompt-reason">
            <figcaption>Reason given by the extension (not checked by Warden)</figcaption>
            <blockquote className="break-anywhere">“{reason}”</blockquote>
          </figure>
        )}
        <details className="prompt-details">
          <summary>Details</summary>
          <dl className="facts">
            <dt>Extension id</dt>
            <dd className="mono break-anywhere">{prompt.extensionId}</dd>
            <dt>Capability</dt>
            <dd data-testid="prompt-capability">
              {CAPABILITY_TITLE[cap]} <span className="mono">{cap}</span>
            </dd>
            <dt>Declared scope</dt>
            <dd className="mono break-anywhere" data-testid="prompt-scope">
              {prompt.declaredScope.length ? prompt.declaredScope.map((s) => plainText(s, 300)).join('\n') : '—'}
            </dd>
          </dl>
        </details>
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
            data-testid="prompt-allow-once"
            onClick={() => answer({ kind: 'allow-once' })}
          >
            Allow once
          </button>
          <button
            type="button"
            disabled={busy}
            data-testid="prompt-allow-always"
            data-scope={scope}
            aria-describedby="prompt-always-covers"
            onClick={() => answer({ kind: 'allow-always', scope })}
          >
            Always allow
          </button>
        </div>
        <ScopeChoice
          prompt={prompt}
          scope={scope}
          onScope={setScope}
          onDenyAlways={() => !busy && answer({ kind: 'deny-always' })}
        />
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
