/**
 * Packages and trust (the rules: store.ts and install.ts). Hosts (the desktop app, headless mode,
 * the CLI) use the registry, `createPackageRegistry`, which electron/core/index.ts exports; the
 * free functions it wraps are exported below for the registry's tests and the package benchmark.
 */
export { createPackageRegistry, type PackageRegistry } from './registry';
export { recover, type RecoveryReport, type RegistryOptions } from './store';
export { installPackage, installUnsigned, type InstallOptions, type InstallOutcome } from './install';
export { flushesDone } from './flush';
export { approveUpdate, rollbackExtension, setEnabled, uninstallExtension, type RollbackOutcome } from './lifecycle';
export { listInstalled, loadInstalled, type InstalledInfo } from './installed';
export {
  buildCatalog,
  openCatalog,
  readCatalogConfig,
  verifyIndex,
  INDEX_FILE,
  type Catalog,
  type CatalogBlock,
  type CatalogIndex,
  type CatalogPackage,
  type BuildCatalogOptions,
} from './catalog';
export {
  BUCKET_FILE,
  catalogOffer,
  chooseVersion,
  heldBackReason,
  installationBucket,
  pinProblem,
  stagedNote,
  type UpdatePolicy,
} from './rollout';
export {
  watchForAutoRollback,
  type AutoRollbackEvent,
  type AutoRollbackOptions,
  type AutoRollbackWatcher,
} from './auto-rollback';
export { packExtension, shippedFiles, type PackResult } from './pack';
export {
  extractPackage,
  warmPackageHasher,
  closePackageHasher,
  type ExtractResult,
  type ExtractOptions,
} from './extract';
export { verifyPackage, verifySignatureFile, type VerifiedPackage, type SignedPayload } from './verify';
export { generateKeyPair, readPrivateKey, readPublicKey, writeKeyPair, fingerprintOf, type KeyPair } from './signing';
export { canonicalJson } from './canonical-json';
export { permissionWidening, describePermissions, type PermissionWidening } from './permissions-diff';
export { readState, type InstallState, type ExtensionRecord } from './install-state';
export { PackageError, DEFAULT_LIMITS, SIGNATURE_FILE, PACKAGE_FORMAT, type ExtractLimits } from './format';
export {
  readPackageSbom,
  parseSbom,
  describeComponent,
  describeSbom,
  SBOM_FILE,
  LICENSES_FILE,
  type PackageSbom,
  type SbomComponent,
} from './sbom';
export {
  matchAdvisories,
  indexAdvisories,
  verifyAdvisoryFeed,
  signAdvisoryFeed,
  parseOsvRecords,
  atOrAbove,
  describeFinding,
  SEVERITIES,
  type AdvisoryFeed,
  type AdvisoryFinding,
  type OsvRecord,
  type Severity,
} from './advisories';
export {
  importAdvisoryFeed,
  loadAdvisoryFeed,
  readAdvisoryConfig,
  recordFindings,
  scanInstalled,
  ADVISORY_FEED_FILE,
  type ExtensionAdvisories,
} from './advisories-store';
