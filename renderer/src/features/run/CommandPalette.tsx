/**
 * The command palette (Ctrl/Cmd+K): a fuzzy filter over every command of the runnable extensions.
 * Recently run commands come first. ↑/↓ move, Enter chooses (a command without parameters runs at
 * once; otherwise its form opens with the first field focused), Esc closes; a click chooses too.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useFocusTrap } from '../../components/use-focus-trap';
import { fuzzyFilter } from '../../lib/fuzzy';
import { RUN_SHORTCUT } from '../../lib/platform';
import { useAppStore } from '../../stores/app-store';
import { paletteCommands, recentFirst, type PaletteCommand } from '../../stores/run-slice';

const MAX_SHOWN = 100;

function searchText(c: PaletteCommand): string {
  return `${c.command.title} ${c.extensionName} ${c.commandId}`;
}

export function CommandPalette() {
  const open = useAppStore((s) => s.paletteOpen);
  if (!open) return null;
  return <PaletteDialog />;
}

function PaletteDialog() {
  const extensions = useAppStore((s) => s.extensions);
  const close = useAppStore((s) => s.closePalette);
  const select = useAppStore((s) => s.chooseCommand);
  const recent = useAppStore((s) => s.recentCommands);
  const requestFormFocus = useAppStore((s) => s.requestFormFocus);
  const initialQuery = useAppStore((s) => s.paletteQuery);
  const [query, setQuery] = useState(initialQuery);
  const [active, setActive] = useState(0);
  const ref = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const covered = useAppStore((s) => s.prompts.length > 0 || s.confirm !== null);
  useFocusTrap(ref, !covered);
  // Closed with nothing chosen (Esc, a click outside): focus goes back where it was (the trap),
  // and where that was nowhere, into the Run form rather than the page body.
  useEffect(
    () => () => {
      setTimeout(() => {
        if (document.activeElement === document.body || document.activeElement === null) requestFormFocus();
      }, 0);
    },
    [requestFormFocus],
  );

  const all = useMemo(() => recentFirst(paletteCommands(extensions), recent), [extensions, recent]);
  const matches = useMemo(() => fuzzyFilter(query, all, searchText).slice(0, MAX_SHOWN), [query, all]);
  const activeIndex = Math.min(active, Math.max(0, matches.length - 1));

  const choose = (c: PaletteCommand | undefined) => {
    if (c) select({ extensionId: c.extensionId, commandId: c.commandId });
  };
  const move = (delta: number) => {
    if (matches.length === 0) return;
    const next = (activeIndex + delta + matches.length) % matches.length;
    setActive(next);
    listRef.current?.children[next]?.scrollIntoView?.({ block: 'nearest' });
  };

  return (
    <div className="backdrop palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div
        ref={ref}
        className="palette"
        role="dialog"
        aria-modal="true"
        aria-label="Run a command"
        data-testid="palette"
      >
        <input
          autoFocus
          className="palette-input"
          type="text"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={matches.length ? `palette-item-${activeIndex}` : undefined}
          aria-autocomplete="list"
          placeholder="Type a command…"
          value={query}
          spellCheck={false}
          data-testid="palette-input"
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              move(1);
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              move(-1);
            } else if (e.key === 'Enter') {
              e.preventDefault();
              choose(matches[activeIndex]);
            } else if (e.key === 'Escape') {
              e.preventDefault();
              close();
            }
          }}
        />
        <ul ref={listRef} id="palette-list" className="palette-list" role="listbox" data-testid="palette-list">
          {matches.map((c, i) => (
            <li
              key={`${c.extensionId}/${c.commandId}`}
              id={`palette-item-${i}`}
              role="option"
              aria-selected={i === activeIndex}
              className={i === activeIndex ? 'active' : undefined}
              data-testid="palette-item"
              data-command={`${c.extensionId}/${c.commandId}`}
              onMouseMove={() => i !== activeIndex && setActive(i)}
              onClick={() => choose(c)}
            >
              <span className="ellipsis palette-title" title={c.command.title}>
                {c.command.title}
              </span>
              <span className="ellipsis palette-ext muted" title={`${c.extensionName} · ${c.commandId}`}>
                {c.extensionName} · <span className="mono">{c.commandId}</span>
              </span>
            </li>
          ))}
        </ul>
        {matches.length === 0 && (
          <p className="palette-empty muted" data-testid="palette-empty">
            {all.length === 0 ? 'No commands: install or enable an extension first.' : 'No command matches.'}
          </p>
        )}
        <p className="palette-hint muted">
          ↑↓ to move · Enter to choose · Esc to close · {RUN_SHORTCUT} in a form runs it
        </p>
      </div>
    </div>
  );
}
