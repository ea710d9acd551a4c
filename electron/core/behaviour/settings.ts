/**
 * Behaviour-baseline settings: how long an extension is watched before anything is judged, how
 * far a deviation must go before it counts, and what Warden does about each severity. An admin
 * policy (`behaviour` key) or the user's settings supply them; every field has a default chosen
 * from the simulation in the project's research notes (0 high findings on benign traffic).
 */
import { z } from 'zod';

/** What the host does with a finding, in increasing strength; each includes the ones before. */
export const RESPONSES = ['record', 'alert', 'reask', 'throttle', 'contain'] as const;
export type Response = (typeof RESPONSES)[number];
export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

const MIB = 1024 * 1024;
const count = (max: number) => z.number().int().min(0).max(max);
const positive = (max: number) => z.number().min(0).max(max);

export const behaviourSettingsSchema = z.strictObject({
  /** Off means no profile is learnt and nothing is judged (said in `warden anomalies`). */
  enabled: z.boolean().default(true),
  /** Nothing is judged until both hold: this many commands run, over at least this many days. */
  learning: z
    .strictObject({ minCommands: count(1_000_000).default(20), minDays: positive(365).default(3) })
    .default({ minCommands: 20, minDays: 3 }),
  /** A destination, path prefix or capability unseen for this long is new again. */
  noveltyDays: positive(365).default(30),
  /** Path prefixes are kept this many folder levels below the granted root. */
  pathDepth: count(8).default(2),
  rate: z
    .strictObject({
      windowDays: count(60).default(14),
      /** A rate baseline exists only after this many active minutes (no finding before). */
      minActiveMinutes: count(100_000).default(30),
      ratioMedium: positive(1e6).default(10),
      ratioHigh: positive(1e6).default(100),
      /** Never flag a capability below these per-minute numbers, so quiet extensions do not alarm. */
      floorCallsPerMin: count(1e9).default(120),
      floorBytesPerMin: count(Number.MAX_SAFE_INTEGER).default(16 * MIB),
    })
    .default({
      windowDays: 14,
      minActiveMinutes: 30,
      ratioMedium: 10,
      ratioHigh: 100,
      floorCallsPerMin: 120,
      floorBytesPerMin: 16 * MIB,
    }),
  /** Novelty this soon after an update weighs more (the new version is judged by the old profile). */
  postUpdateHours: positive(24 * 365).default(72),
  /** Bytes sent to a destination first seen after an update that make it the exfiltration shape. */
  exfilBytes: count(Number.MAX_SAFE_INTEGER).default(4096),
  resources: z
    .strictObject({
      windowMinutes: count(1440).min(1).default(10),
      /** Windows of history before a CPU/memory baseline exists. */
      minWindows: count(100_000).default(20),
      /** Consecutive windows over the line before a finding. */
      sustainedWindows: count(1000).min(1).default(3),
      cpuFloorPercent: positive(100_000).default(50),
      cpuMarginPoints: positive(100_000).default(40),
      memoryRatio: positive(1000).default(3),
      memoryFloorBytes: count(Number.MAX_SAFE_INTEGER).default(128 * MIB),
    })
    .default({
      windowMinutes: 10,
      minWindows: 20,
      sustainedWindows: 3,
      cpuFloorPercent: 50,
      cpuMarginPoints: 40,
      memoryRatio: 3,
      memoryFloorBytes: 128 * MIB,
    }),
  responses: z
    .strictObject({
      low: z.enum(RESPONSES).default('record'),
      medium: z.enum(RESPONSES).default('reask'),
      high: z.enum(RESPONSES).default('contain'),
    })
    .default({ low: 'record', medium: 'reask', high: 'contain' }),
  /** `throttle` divides every budget of the extension (calls, fs, net) by this until the finding is accepted. */
  throttleFactor: z.number().min(2).max(1000).default(10),
  /** After an update, `contain` also rolls back to the last version whose profile it matched. */
  rollbackOnContain: z.boolean().default(true),
});

export type BehaviourSettingsInput = z.input<typeof behaviourSettingsSchema>;
export type BehaviourSettings = z.output<typeof behaviourSettingsSchema>;

export const DEFAULT_BEHAVIOUR_SETTINGS: BehaviourSettings = behaviourSettingsSchema.parse({});

export function parseBehaviourSettings(input: unknown): BehaviourSettings {
  return behaviourSettingsSchema.parse(input ?? {});
}

/** The stronger of two responses (policy can only raise what a user setting asks for). */
export function strongerResponse(a: Response, b: Response): Response {
  return RESPONSES.indexOf(a) >= RESPONSES.indexOf(b) ? a : b;
}

export const includesResponse = (chosen: Response, wanted: Response): boolean =>
  RESPONSES.indexOf(chosen) >= RESPONSES.indexOf(wanted);
