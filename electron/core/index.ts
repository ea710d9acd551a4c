/**
 * The host core's public surface: the only import path into electron/core for electron/main,
 * electron/web, the SDK (CLI) and benchmarks (lint enforces it; tests may reach deeper).
 */
// app/: the host behind the desktop panel and headless mode.
export { createAppHost, type AppHost, type AppHostOptions } from './app/app-host';
// supervision/: running extensions.
export {
  createSupervisor,
  type Supervisor,
  type SupervisorEvent,
  type SupervisorOptions,
  type ExtensionStatus,
} from './supervision/supervisor';
export { loadExtensionFolder, type LoadedExtension } from './supervision/extension-loader';
// process/: one extension process and how it is launched.
export { createForkLauncher, minimalEnv, type ForkLauncherOptions } from './process/fork-launcher';
export { wallStatus, wallMeets, type WallStatus, type WallLevel } from '../common/wall';
export type { Launcher, ExtensionChild, LaunchSpec, ExitInfo } from './process/launcher';
export { ExtensionProcess, LoadError, DEFAULT_TIMEOUTS } from './process/extension-process';
export { createWarmPool, type WarmPool } from './process/warm-pool';
export {
  choosePythonRuntime,
  parseRuntimeInfo,
  vendoredRuntimeFiles,
  PYTHON_RUNTIME_DIR,
  PYTHON_RUNTIME_INFO,
} from './supervision/python-package-runtime';
export {
  pythonSnapshot,
  pythonRuntimeVerified,
  type PythonSnapshot,
  type PythonSnapshotOptions,
} from './supervision/python-snapshot-store';
export { createLineReader } from './process/line-reader';
// bundle/: preparing an extension's bundle for the sandbox.
export { evadeCensorship, isCensored } from './bundle/source-transform';
export { locateSyntaxError } from './bundle/syntax-locate';
export { checkBundleLoads, type LoadProblem } from './bundle/load-check';
export { gateExtension, type GateReport, type GateOptions } from './bundle/gate/gate';
export { GATE_RULES, type GateFinding, type GateRule, type GateLevel } from './bundle/gate/rules';
// host-api/: the host side of `host.*`, and the services it runs on.
export { createDefaultServices, servicePaths, type HostServices, type ServiceOptions } from './host-api/services';
// permissions/: broker, grants, policy, prompts.
export { createBroker, type Broker, type BrokerOptions, type ExtensionAuthorizer } from './permissions/broker';
export { createGrantStore, type Grant, type GrantStore, type Scope } from './permissions/grants';
export {
  EMPTY_POLICY,
  extensionForbidden,
  loadPolicyFile,
  parsePolicy,
  PolicyError,
  updatePolicyOf,
  type Policy,
} from './permissions/policy';
export {
  loadEffectivePolicy,
  machinePolicyPaths,
  MACHINE_POLICY_ENV,
  type EffectivePolicy,
} from './permissions/policy-layers';
export {
  createDenyAllPrompter,
  createScriptedPrompter,
  parseScriptedRule,
  type Prompter,
  type ScriptedRule,
} from './permissions/prompter';
export { createTerminalPrompter, createLineSource, type LineSource } from './permissions/terminal-prompter';
export { targetMatches, expandHome } from './permissions/patterns';
// gateways/ and governance/: what hosts plug in (a picker, OS readings) and the strike book.
export type { Picker } from './gateways/types';
export type { ProcSample, ProcSampler } from './governance/proc-stats';
export { createStrikeBook } from './governance/strikes';
// private-data/: an extension's storage and data folder (read by the SDK's test host).
export { createPrivateData } from './private-data/private-data';
// platform/: logging, files, audit, notifications, secrets.
export { createLogger, silentLogger, memorySink, type Logger, type LogEntry } from './platform/logger';
export { writeFileAtomic } from './platform/atomic-write';
export { createAuditLog, type AuditLog, type AuditRecord } from './platform/audit-log';
export { createStreamNotifier, type Notifier } from './platform/notifier';
export { createFileSecretStore, type SecretStore } from './platform/secret-store';
// packages/: install, update, trust, catalogs. Installed extensions are reached through the
// registry only (createPackageRegistry), never through the free functions it wraps.
export {
  buildCatalog,
  createPackageRegistry,
  describePermissions,
  extractPackage,
  packExtension,
  PackageError,
  readCatalogConfig,
  readPrivateKey,
  readPublicKey,
  verifyPackage,
  watchForAutoRollback,
  writeKeyPair,
  type Catalog,
  type CatalogBlock,
  type InstallOutcome,
  type PackageRegistry,
  type PermissionWidening,
} from './packages';
// packages/: bills of materials (SBOMs) and the signed OSV advisory feed matched against them.
export {
  readPackageSbom,
  parseSbom,
  describeComponent,
  describeSbom,
  SBOM_FILE,
  LICENSES_FILE,
  matchAdvisories,
  verifyAdvisoryFeed,
  signAdvisoryFeed,
  parseOsvRecords,
  atOrAbove,
  describeFinding,
  importAdvisoryFeed,
  loadAdvisoryFeed,
  recordFindings,
  scanInstalled,
  SEVERITIES,
  type AdvisoryFeed,
  type AdvisoryFinding,
  type ExtensionAdvisories,
  type OsvRecord,
  type PackageSbom,
  type SbomComponent,
  type Severity,
} from './packages';
// trust/: the security brief shown before an install or update.
export { createBriefReader, createSecurityBrief, formatBrief, type BriefReader, type BriefExtras } from './trust';
// behaviour/: baselines of what each extension normally does, deviations, incidents.
export * as behaviour from './behaviour';
