/** Shared setup for renderer tests: a fresh store wired to a fake bridge, and rendering the app. */
import { act, render, type RenderResult } from '@testing-library/react';
import { App } from '../../renderer/src/app';
import { resetAppStore, useAppStore } from '../../renderer/src/stores/app-store';
import { FakeBridge } from './fake-bridge';

/** Lets pending promises and zero-delay timers run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}

/** Resets the store, starts its feeds on `bridge` (connected) and waits for the first load. */
export async function startStore(bridge: FakeBridge = new FakeBridge()): Promise<FakeBridge> {
  resetAppStore();
  useAppStore.getState().startFeeds(bridge.host());
  await settle();
  return bridge;
}

/** Starts the store on `bridge` and renders the whole app. */
export async function renderApp(
  bridge: FakeBridge = new FakeBridge(),
): Promise<{ bridge: FakeBridge; view: RenderResult }> {
  await startStore(bridge);
  let view!: RenderResult;
  await act(async () => {
    view = render(<App />);
  });
  await act(settle);
  return { bridge, view };
}

export const store = () => useAppStore.getState();
