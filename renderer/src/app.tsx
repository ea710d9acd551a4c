/**
 * The window: title bar, navigation, the current view, and the overlays (palette, confirm dialog,
 * permission prompt, notices). While a prompt or a confirm dialog is open the rest of the window
 * is `inert`, so neither the mouse nor the keyboard can reach anything behind it.
 */
import { useEffect, type JSX } from 'react';
import { ConfirmDialog } from './components/ConfirmDialog';
import { Notices } from './components/Notices';
import { ActivityView } from './features/activity/ActivityView';
import { BehaviourView } from './features/behaviour/BehaviourView';
import { ConnectionBanner } from './features/chrome/ConnectionBanner';
import { Header } from './features/chrome/Header';
import { Sidebar } from './features/chrome/Sidebar';
import { ExtensionsView } from './features/extensions/ExtensionsView';
import { PermissionsView } from './features/permissions/PermissionsView';
import { PromptModal } from './features/prompts/PromptModal';
import { InstallConsent } from './features/extensions/InstallConsent';
import { ResourcesView } from './features/resources/ResourcesView';
import { CommandPalette } from './features/run/CommandPalette';
import { RunView } from './features/run/RunView';
import { useAppStore } from './stores/app-store';
import type { View } from './stores/ui-slice';

const VIEW_COMPONENTS: Record<View, () => JSX.Element> = {
  extensions: ExtensionsView,
  run: RunView,
  resources: ResourcesView,
  behaviour: BehaviourView,
  permissions: PermissionsView,
  activity: ActivityView,
};

/** Ctrl/Cmd+K toggles the palette from anywhere (not while a prompt or dialog is open). */
function usePaletteShortcut() {
  const toggle = useAppStore((s) => s.togglePalette);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        const s = useAppStore.getState();
        if (s.prompts.length > 0 || s.confirm) return;
        e.preventDefault();
        toggle();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [toggle]);
}

/** Applies the theme to <html> and follows the OS setting until the user picks one. */
function useTheme() {
  const theme = useAppStore((s) => s.theme);
  const systemThemeChanged = useAppStore((s) => s.systemThemeChanged);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const onChange = (e: MediaQueryListEvent) => systemThemeChanged(e.matches);
    mq.addEventListener?.('change', onChange);
    return () => mq.removeEventListener?.('change', onChange);
  }, [systemThemeChanged]);
}

export function App() {
  const view = useAppStore((s) => s.view);
  const blocked = useAppStore((s) => s.prompts.length > 0 || s.confirm !== null);
  usePaletteShortcut();
  useTheme();
  const Current = VIEW_COMPONENTS[view];
  return (
    <>
      <div className="app" inert={blocked}>
        <Header />
        <ConnectionBanner />
        <div className="app-body">
          <Sidebar />
          <main className="content" data-testid={`view-${view}`}>
            <Current />
          </main>
        </div>
        <CommandPalette />
        <Notices />
      </div>
      <ConfirmDialog />
      <InstallConsent />
      <PromptModal />
    </>
  );
}
