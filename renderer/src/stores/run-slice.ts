/**
 * Running commands: the palette, the selected command and its form, and the current run (its
 * progress, result or error). Progress events are matched by the run id generated here.
 */
import type { BridgeEventPayload, CommandInfo, ExtensionSummary } from '../../../electron/common/bridge/schemas';
import type { CommandResult } from '../../../electron/common/command-result';
import type { ErrorData } from '../../../electron/common/error-schema';
import { buildArgs, initialValues, type FormValue, type FormValues } from '../lib/command-args';
import { describeError } from './call';
import type { AppState, SliceCreator } from './types';

export interface CommandRef {
  extensionId: string;
  commandId: string;
}

/** A command as the palette lists it. */
export interface PaletteCommand extends CommandRef {
  extensionName: string;
  command: CommandInfo;
}

export type RunStatus = 'running' | 'cancelling' | 'done' | 'failed' | 'cancelled';

export interface RunState extends CommandRef {
  runId: string;
  title: string;
  status: RunStatus;
  startedAt: number;
  progress: { fraction: number | null; message?: string } | null;
  result?: CommandResult;
  durationMs?: number;
  error?: ErrorData;
}

export interface RunSlice {
  paletteOpen: boolean;
  /** What the palette's search starts with when it opens (a row's "Run…" fills in its extension). */
  paletteQuery: string;
  selected: CommandRef | null;
  formValues: FormValues;
  formErrors: Record<string, string>;
  run: RunState | null;
  /** Bumped when focus should move into the command form (its first field, else Run). */
  formFocusRequest: number;
  /** `<extensionId>/<commandId>` of the commands run most recently, newest first (kept per browser). */
  recentCommands: string[];
  openPalette(): void;
  closePalette(): void;
  togglePalette(): void;
  /** Selects a command, fills its form with defaults, closes the palette and shows the Run view. */
  selectCommand(ref: CommandRef): void;
  /** From the palette: selects it, and runs it at once when it takes no parameters. */
  chooseCommand(ref: CommandRef): void;
  /** Asks the Run view to put focus in the form (after the palette closes with nothing chosen). */
  requestFormFocus(): void;
  /** "Run…" on an extension's row: its only command's form, or the palette showing its commands. */
  runFromExtension(extensionId: string): void;
  setFormValue(name: string, value: FormValue): void;
  /** Opens the host picker for a path parameter and puts the choice in the field. */
  pickParamPath(name: string): Promise<void>;
  runSelected(): Promise<void>;
  cancelRun(): Promise<void>;
  receiveProgress(p: BridgeEventPayload<'commands.progress'>): void;
}

/** Extensions whose commands can run: enabled, not quarantined, not blocked. */
export function isRunnable(e: ExtensionSummary): boolean {
  return e.enabled && e.state !== 'quarantined' && e.state !== 'disabled' && !e.quarantine && !e.blocked;
}

/** Every contributed command of the runnable extensions, in list order. */
export function paletteCommands(extensions: readonly ExtensionSummary[]): PaletteCommand[] {
  return extensions
    .filter(isRunnable)
    .flatMap((e) =>
      e.commands.map((command) => ({ extensionId: e.id, commandId: command.id, extensionName: e.name, command })),
    );
}

export const commandKey = (c: CommandRef) => `${c.extensionId}/${c.commandId}`;

/** The palette's order with no query: recently run commands first, then the rest in list order. */
export function recentFirst(commands: PaletteCommand[], recent: readonly string[]): PaletteCommand[] {
  const rank = new Map(recent.map((k, i) => [k, i]));
  const known = commands.filter((c) => rank.has(commandKey(c)));
  known.sort((a, b) => rank.get(commandKey(a))! - rank.get(commandKey(b))!);
  return [...known, ...commands.filter((c) => !rank.has(commandKey(c)))];
}

export const RECENT_STORAGE_KEY = 'warden.recentCommands';
const MAX_RECENT = 8;

function loadRecent(): string[] {
  try {
    const v: unknown = JSON.parse(globalThis.localStorage?.getItem(RECENT_STORAGE_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string').slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

function saveRecent(list: string[]): void {
  try {
    globalThis.localStorage?.setItem(RECENT_STORAGE_KEY, JSON.stringify(list));
  } catch {
    /* not kept; still used in this tab */
  }
}

/** The selected command's info, if its extension still lists it. */
export function selectedCommand(state: Pick<AppState, 'extensions' | 'selected'>): CommandInfo | undefined {
  const sel = state.selected;
  if (!sel) return undefined;
  return state.extensions.find((e) => e.id === sel.extensionId)?.commands.find((c) => c.id === sel.commandId);
}

let runCounter = 0;
/** Unique within this window; the host keys progress and cancel by it. */
export function newRunId(): string {
  runCounter = (runCounter + 1) % 1_000_000;
  return `run-${Date.now().toString(36)}-${runCounter}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export const createRunSlice: SliceCreator<RunSlice> = (set, get) => ({
  paletteOpen: false,
  paletteQuery: '',
  selected: null,
  formValues: {},
  formErrors: {},
  run: null,
  formFocusRequest: 0,
  recentCommands: loadRecent(),
  openPalette: () => set({ paletteOpen: true, paletteQuery: '' }),
  closePalette: () => set({ paletteOpen: false }),
  togglePalette: () => set({ paletteOpen: !get().paletteOpen, paletteQuery: '' }),
  selectCommand: (ref) => {
    const s = get();
    const command = selectedCommand({ extensions: s.extensions, selected: ref });
    const running = s.run?.status === 'running' || s.run?.status === 'cancelling';
    set({
      selected: ref,
      formValues: command ? initialValues(command.params) : {},
      formErrors: {},
      paletteOpen: false,
      view: 'run',
      // A finished result belongs to the command that made it, not under the newly chosen one.
      ...(s.run && !running && commandKey(s.run) !== commandKey(ref) ? { run: null } : {}),
      formFocusRequest: s.formFocusRequest + 1,
    });
  },
  chooseCommand: (ref) => {
    get().selectCommand(ref);
    const command = selectedCommand(get());
    if (command && Object.keys(command.params).length === 0) void get().runSelected();
  },
  requestFormFocus: () => set({ formFocusRequest: get().formFocusRequest + 1 }),
  runFromExtension: (extensionId) => {
    const ext = get().extensions.find((e) => e.id === extensionId);
    if (!ext || !isRunnable(ext) || ext.commands.length === 0) return;
    if (ext.commands.length === 1) get().selectCommand({ extensionId, commandId: ext.commands[0]!.id });
    else set({ paletteOpen: true, paletteQuery: ext.name });
  },
  setFormValue: (name, value) => {
    const { [name]: _cleared, ...formErrors } = get().formErrors;
    set({ formValues: { ...get().formValues, [name]: value }, formErrors });
  },
  pickParamPath: async (name) => {
    const spec = selectedCommand(get())?.params[name];
    if (!spec) return;
    const path = await get().pickPath(spec.kind ?? 'file', spec.title ?? name);
    if (path !== null) get().setFormValue(name, path);
  },
  runSelected: async () => {
    const s = get();
    const sel = s.selected;
    const command = selectedCommand(s);
    if (!sel || !command) return;
    if (s.run && (s.run.status === 'running' || s.run.status === 'cancelling')) return;
    if (s.connection.state !== 'open') return;
    const built = buildArgs(command.params, s.formValues);
    if (!built.ok) {
      set({ formErrors: built.errors });
      return;
    }
    const runId = newRunId();
    const key = commandKey(sel);
    const recentCommands = [key, ...s.recentCommands.filter((k) => k !== key)].slice(0, MAX_RECENT);
    saveRecent(recentCommands);
    set({
      recentCommands,
      formErrors: {},
      run: { ...sel, runId, title: command.title, status: 'running', startedAt: Date.now(), progress: null },
    });
    const r = await get().bridge.call('commands.run', { runId, ...sel, args: built.args });
    const current = get().run;
    if (!current || current.runId !== runId) return;
    if (r.ok) {
      set({ run: { ...current, status: 'done', result: r.value.result, durationMs: r.value.durationMs } });
    } else {
      const cancelled = r.error.code === 'ECANCELED';
      set({ run: { ...current, status: cancelled ? 'cancelled' : 'failed', error: r.error } });
    }
  },
  cancelRun: async () => {
    const run = get().run;
    if (!run || run.status !== 'running') return;
    set({ run: { ...run, status: 'cancelling' } });
    const r = await get().bridge.call('commands.cancel', { runId: run.runId });
    if (!r.ok) {
      get().notify('error', `Cancel failed — ${describeError(r.error)}`);
      const now = get().run;
      if (now?.runId === run.runId && now.status === 'cancelling') set({ run: { ...now, status: 'running' } });
    }
  },
  receiveProgress: (p) => {
    const run = get().run;
    if (!run || run.runId !== p.runId || (run.status !== 'running' && run.status !== 'cancelling')) return;
    const fraction = p.fraction === null ? null : Math.min(1, Math.max(0, p.fraction));
    set({ run: { ...run, progress: { fraction, ...(p.message !== undefined ? { message: p.message } : {}) } } });
  },
});
