/**
 * Entry of the sandbox's V8 start-up snapshot (dist/sandbox/snapshot.cjs), built by the host
 * (core/process/snapshot-builder.ts) with `node --build-snapshot`. SES is loaded, the realm
 * locked down and the runtime's modules evaluated inside the blob; a process started from it
 * (`--snapshot-blob`) runs only the function below, which starts the sandbox exactly as
 * bootstrap.ts does, from the runtime and compartment prepared in the blob. Nothing of a
 * process's own (argv, fd 3, environment) is read at build time: startSandbox reads them when it runs.
 *
 * Every process reads and deserialises the whole blob, so what this entry evaluates stays lean:
 * no zod (test/unit/sandbox-bundle-deps.test.ts) and nothing built ahead that a start may not need.
 */
import { SNAPSHOT_PROBE_FLAG, SNAPSHOT_PROBE_OK } from '../common/snapshot-key';
import { lockdownRealm } from './lockdown-realm';

lockdownRealm();
// Nothing reads SES's lockdown-only tables (its permits, its override enablements) after this:
// the build lets them go here, so that no process deserialises them (release-lockdown-tables.mjs).
releaseLockdownTables();

// eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after lockdown
const { prepareSandbox, startSandbox } = require('./runtime') as typeof import('./runtime');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- after lockdown as well
const { startupSnapshot } = require('node:v8') as typeof import('node:v8');

// The runtime and the guest's compartment, built here, inside the blob (guest-realm.ts): each
// process deserialises its own copy and hands it to the one extension it runs.
const prepared = prepareSandbox();

startupSnapshot.setDeserializeMainFunction(() => {
  // The builder's check of a new blob: it starts, and the realm in it is locked down.
  if (process.argv.includes(SNAPSHOT_PROBE_FLAG)) {
    const locked = Object.isFrozen(Array.prototype) && Object.isFrozen(Object.prototype);
    const byCopy = [3, 1, 2].toSorted().with(0, 0).toSpliced(1, 1).toReversed().join(',') === '3,0';
    process.stdout.write(locked && byCopy ? `${SNAPSHOT_PROBE_OK}\n` : 'bad\n');
    return;
  }
  startSandbox(prepared);
});

/** Marks where scripts/release-lockdown-tables.mjs puts the release; the bundle keeps no call. */
function releaseLockdownTables(): void {}
