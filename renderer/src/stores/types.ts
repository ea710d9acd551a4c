/** The whole store's type, and the slice-creator type every slice uses (zustand slices pattern). */
import type { StateCreator } from 'zustand';
import type { ActivitySlice } from './activity-slice';
import type { AnomaliesSlice } from './anomalies-slice';
import type { ConnectionSlice } from './connection-slice';
import type { ExtensionsSlice } from './extensions-slice';
import type { PermissionsSlice } from './permissions-slice';
import type { PromptsSlice } from './prompts-slice';
import type { ResourcesSlice } from './resources-slice';
import type { RunSlice } from './run-slice';
import type { UiSlice } from './ui-slice';

export type AppState = ConnectionSlice &
  ExtensionsSlice &
  RunSlice &
  PromptsSlice &
  ResourcesSlice &
  PermissionsSlice &
  ActivitySlice &
  AnomaliesSlice &
  UiSlice;

export type SliceCreator<Slice> = StateCreator<AppState, [], [], Slice>;
