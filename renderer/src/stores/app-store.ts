/**
 * The one store (zustand slices pattern): each slice in its own file, combined here with the
 * curried `create<AppState>()`. Middleware, if ever added, goes here and only here.
 */
import { create } from 'zustand';
import { createActivitySlice } from './activity-slice';
import { createAnomaliesSlice } from './anomalies-slice';
import { createConnectionSlice } from './connection-slice';
import { createExtensionsSlice } from './extensions-slice';
import { createPermissionsSlice } from './permissions-slice';
import { createPromptsSlice } from './prompts-slice';
import { createResourcesSlice } from './resources-slice';
import { createRunSlice } from './run-slice';
import type { AppState } from './types';
import { createUiSlice } from './ui-slice';

export type { AppState } from './types';

export const useAppStore = create<AppState>()((...a) => ({
  ...createConnectionSlice(...a),
  ...createExtensionsSlice(...a),
  ...createRunSlice(...a),
  ...createPromptsSlice(...a),
  ...createResourcesSlice(...a),
  ...createPermissionsSlice(...a),
  ...createActivitySlice(...a),
  ...createAnomaliesSlice(...a),
  ...createUiSlice(...a),
}));

/** Back to the initial state (tests), after stopping the feeds. */
export function resetAppStore(): void {
  useAppStore.getState().stopFeeds();
  useAppStore.setState(useAppStore.getInitialState(), true);
}
