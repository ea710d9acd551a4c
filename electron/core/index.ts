/** The host core's public surface, for the CLI, headless mode, the Electron app and benchmarks. */
export {
  createSupervisor,
  type Supervisor,
  type SupervisorOptions,
  type ExtensionStatus,
} from './supervision/supervisor';
export { createForkLauncher, minimalEnv } from './process/fork-launcher';
export type { Launcher, ExtensionChild, LaunchSpec } from './process/launcher';
export { loadExtensionFolder, type LoadedExtension } from './supervision/extension-loader';
export { ExtensionProcess, LoadError, DEFAULT_TIMEOUTS } from './process/extension-process';
export { createLogger, silentLogger, memorySink } from './platform/logger';
export { createWarmPool, type WarmPool } from './process/warm-pool';
export { createDefaultServices, servicePaths, type HostServices, type ServiceOptions } from './host-api/services';
export { createBroker, type Broker, type BrokerOptions, type ExtensionAuthorizer } from './permissions/broker';
export { createGrantStore, type Grant, type GrantStore, type Scope } from './permissions/grants';
export { EMPTY_POLICY, parsePolicy, type Policy } from './permissions/policy';
export { createDenyAllPrompter, createScriptedPrompter, type Prompter } from './permissions/prompter';
export { targetMatches } from './permissions/patterns';
export { createAuditLog, type AuditLog } from './platform/audit-log';
export { createAppHost, type AppHost, type AppHostOptions } from './app/app-host';
export * as packages from './packages';
