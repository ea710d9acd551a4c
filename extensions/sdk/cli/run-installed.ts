/**
 * What `warden run` needs only for an installed extension: the package registry (load, recover,
 * roll back) and the automatic rollback watcher. run.ts imports this module when the target is
 * an installed id or a containment asks for a rollback, so a folder run does not evaluate the
 * packages subsystem (tar, the SBOM and advisory code: ~35 ms of a one-shot run's start).
 */
// The packages subsystem's own front door, not the core's: through index.ts the whole subsystem
// would load with the rest of the core when run.ts does. They are the names index.ts exports.
/* eslint-disable no-restricted-imports */
export { createPackageRegistry, PackageError, watchForAutoRollback } from '../../../electron/core/packages';
/* eslint-enable no-restricted-imports */
