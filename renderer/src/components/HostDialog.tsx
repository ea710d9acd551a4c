/**
 * The frame every Warden dialog shares (confirm, install consent): host chrome that an extension
 * cannot draw, focus trapped inside, Cancel focused by default and Esc meaning Cancel — so a stray
 * Enter or Esc never confirms anything. A permission prompt goes over it (`covered`).
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { useAppStore } from '../stores/app-store';
import { useFocusTrap } from './use-focus-trap';

export interface HostDialogProps {
  title: string;
  labelledBy: string;
  describedBy: string;
  testid: string;
  className?: string;
  /** The OK button's label and tone; `danger` for destructive or high-risk actions. */
  confirmLabel: string;
  danger?: boolean;
  cancelTestid: string;
  confirmTestid: string;
  onAnswer: (ok: boolean) => void;
  children: ReactNode;
}

export function HostDialog(p: HostDialogProps) {
  const covered = useAppStore((s) => s.prompts.length > 0);
  const ref = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useFocusTrap(ref, !covered);
  useEffect(() => {
    if (!covered) cancelRef.current?.focus();
  }, [covered]);
  return (
    <div className="backdrop" inert={covered}>
      <div
        ref={ref}
        className={`dialog host-chrome${p.className ? ` ${p.className}` : ''}`}
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={p.labelledBy}
        aria-describedby={p.describedBy}
        data-testid={p.testid}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            p.onAnswer(false);
          }
        }}
      >
        <header className="dialog-header">
          <span className="host-mark" aria-hidden="true">
            ◆
          </span>
          {p.title}
        </header>
        {p.children}
        <footer className="dialog-actions">
          <button ref={cancelRef} type="button" data-testid={p.cancelTestid} onClick={() => p.onAnswer(false)}>
            Cancel
          </button>
          <button
            type="button"
            className={p.danger ? 'danger' : 'primary'}
            data-testid={p.confirmTestid}
            onClick={() => p.onAnswer(true)}
          >
            {p.confirmLabel}
          </button>
        </footer>
      </div>
    </div>
  );
}
