/** The host core's public surface, for the CLI, headless mode, the Electron app and benchmarks. */
export { createSupervisor, type Supervisor, type SupervisorOptions, type ExtensionStatus } from './supervisor';
export { createForkLauncher, minimalEnv } from './fork-launcher';
export type { Launcher, ExtensionChild, LaunchSpec } from './launcher';
export { loadExtensionFolder, type LoadedExtension } from './extension-loader';
export { ExtensionProcess, LoadError, DEFAULT_TIMEOUTS } from './extension-process';
export { createLogger, silentLogger, memorySink } from './logger';
export { createWarmPool, type WarmPool } from './warm-pool';
