/**
 * The host behind the desktop panel and headless mode: one supervisor, the permission services
 * (prompts go to the UI), the package registry, metrics and the audit log, exposed as the bridge
 * contract of electron/common/bridge/schemas.ts. The Electron main process and the headless
 * server are thin transports over `handle` and `subscribe`.
 */
import { WardenError, toErrorData } from '../../common/errors';
import {
  type BridgeEvent,
  type BridgeEventPayload,
  type BridgeMethod,
  type BridgeResult,
} from '../../common/bridge/schemas';
import { checkedBridgeCall, type BridgeHost } from '../../common/bridge/bridge-host';
import type { Launcher } from '../process/launcher';
import { silentLogger, type Logger } from '../platform/logger';
import { createSupervisor, type Supervisor } from '../supervision/supervisor';
import { createDefaultServices, servicePaths, type HostServices } from '../host-api/services';
import { extensionForbidden, PolicyError, updatePolicyOf, type Policy } from '../permissions/policy';
import { loadEffectivePolicy } from '../permissions/policy-layers';
import { createUiPrompter, type UiPrompter } from '../permissions/ui-prompter';
import type { ProcSampler } from '../governance/proc-stats';
import type { SecretStore } from '../platform/secret-store';
import type { Notifier } from '../platform/notifier';
import type { Picker } from '../gateways/types';
import {
  createPackageRegistry,
  readCatalogConfig,
  watchForAutoRollback,
  type PackageRegistry,
  type AutoRollbackWatcher,
} from '../packages';
import { createHandlers } from './handlers';
import { createKnownExtensions } from './known-extensions';
import { createAdvisoryWatch } from './advisory-watch';
import { forDisplay } from '../permissions/display';
import type { PythonSnapshotOptions } from '../supervision/python-snapshot-store';

export interface AppHostOptions {
  dataDir: string;
  launcher: Launcher;
  mode: 'electron' | 'headless';
  version: string;
  logger?: Logger;
  /** Real CPU/memory readings of children (Electron: app metrics; Node: /proc). */
  sample?: ProcSampler | null;
  secrets?: SecretStore;
  picker?: Picker;
  notifier?: Notifier;
  /** Opens an http(s) link after the user confirmed it (Electron: shell.openExternal). */
  openExternal?(url: string): Promise<boolean>;
  /** Unsigned folders loaded in developer mode, marked `unsigned` everywhere they are shown. */
  devFolders?: string[];
  policyFile?: string;
  /** Warden's own code and files beyond the data folder, never reachable by extensions' fs calls. */
  protectedPaths?: string[];
  /** A catalog folder or http(s) URL (else the data dir's config.json `catalog`). */
  catalog?: string;
  /**
   * How often the trusted catalog is re-read for its blocklist (default 15 minutes; it is also
   * read at start). A newly blocked installed version is stopped at once.
   */
  catalogRefreshMs?: number;
  promptTimeoutMs?: number;
  note?: string;
  /**
   * Python extensions: where the runtime's memory snapshot is made and kept (docs/python.md). It
   * is made when a Python extension is installed or loaded, and checked before every use.
   */
  pythonSnapshot?: PythonSnapshotOptions;
}

export interface AppHost extends BridgeHost {
  readonly supervisor: Supervisor;
  readonly services: HostServices;
  readonly registry: PackageRegistry;
  readonly prompter: UiPrompter;
  /** Recovers the registry and loads installed extensions and dev folders. */
  start(): Promise<void>;
  /** Stops every extension and denies open prompts. */
  close(): Promise<void>;
}

export function createAppHost(options: AppHostOptions): AppHost {
  const logger = options.logger ?? silentLogger;
  const listeners = new Set<(event: BridgeEvent, payload: unknown) => void>();
  const emit = <E extends BridgeEvent>(event: E, payload: BridgeEventPayload<E>) => {
    for (const l of listeners) {
      try {
        l(event, payload);
      } catch (err) {
        logger.error('bridge listener failed', { error: String(err) });
      }
    }
  };
  const timeoutMs = options.promptTimeoutMs ?? 60_000;
  const prompter = createUiPrompter({
    timeoutMs,
    onOpen: (p) => emit('prompts.opened', p),
    onClose: (promptId, answer) => emit('prompts.closed', { promptId, answer }),
    // Clicking Allow on a prompt whose command has ended performs nothing; the log says so.
    onLate: (request, answer, closedAs) =>
      services.audit?.write({
        ext: request.extensionId,
        kind: 'decision',
        capability: request.capability,
        target: request.canonicalTarget,
        detail: `late answer (${answer.kind}) to a prompt already ${closedAs === 'withdrawn' ? 'withdrawn' : 'timed out'}: nothing done`,
      }),
  });
  const policyFile = options.policyFile ?? servicePaths(options.dataDir).policy;
  let policy: Policy;
  let policyFiles: string[];
  try {
    // The machine-wide policy narrowed by the per-user file (a named one must exist).
    ({ policy, files: policyFiles } = loadEffectivePolicy({
      userFile: policyFile,
      userExplicit: options.policyFile !== undefined,
    }));
  } catch (err) {
    // A broken admin policy must not silently mean "no policy": refuse to start.
    if (err instanceof PolicyError) throw new WardenError('EINVAL', err.message);
    throw err;
  }
  const services = createDefaultServices(options.dataDir, {
    prompter,
    policy,
    picker: options.picker,
    notifier: options.notifier,
    promptTimeoutMs: timeoutMs,
    protectedPaths: [...new Set([policyFile, ...policyFiles])].concat(options.protectedPaths ?? []),
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
  const supervisor = createSupervisor({
    launcher: options.launcher,
    dataDir: options.dataDir,
    logger,
    services,
    governance: options.sample === undefined ? {} : { sample: options.sample },
    ...(options.pythonSnapshot ? { pythonSnapshot: options.pythonSnapshot } : {}),
    // A contained deviation right after an update goes back to the last version it matched.
    onContained: (id, finding) => {
      if (!finding.rollbackTo) return;
      registry
        .rollback(id, {
          to: finding.rollbackTo,
          reason: `unusual behaviour: ${finding.why}`,
          onlyIfActive: finding.version,
        })
        .then(() => known.reload(id))
        .then(changed, (err: unknown) => logger.warn(`behaviour rollback of ${id} failed: ${String(err)}`));
    },
  });
  const forbidden = (ext: { manifest: { id: string; publisher: string }; publisherKey?: string }) =>
    extensionForbidden(policy, {
      extensionId: ext.manifest.id,
      publisher: ext.manifest.publisher,
      fingerprint: ext.publisherKey,
    });
  const advisories = createAdvisoryWatch({
    dataDir: options.dataDir,
    policy,
    audit: services.audit,
    logger,
    changed: () => changed(),
  });
  const registry = createPackageRegistry(options.dataDir, {
    audit: services.audit,
    hashWorker: true, // a long-lived host: the package hash overlaps the files' (hash-worker.ts)
    admit: (who) => forbidden({ manifest: who, publisherKey: who.fingerprint }),
    updatePolicy: () => updatePolicyOf(policy),
    checkAdvisories: (pkg) => advisories.check(pkg),
  });
  let catalogTimer: NodeJS.Timeout | undefined;
  let rollbackWatcher: AutoRollbackWatcher | undefined;

  let changeTimer: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(changeTimer);
    changeTimer = setTimeout(() => {
      void handlers.get('extensions.list')!({})
        .then((list) => emit('extensions.changed', list as BridgeEventPayload<'extensions.changed'>))
        .catch(() => {});
    }, 50);
  };

  const known = createKnownExtensions({ supervisor, registry, logger, changed, forbidden });

  /**
   * Re-reads the trusted catalog (its blocklist lands in state.json) and stops every installed
   * extension whose active version became blocked, keeping it visible with the reason.
   */
  let lastCatalogProblem = '';
  /** What the blocklist said of each installed id when it was last (re)loaded. */
  const seenBlocked = new Map<string, string>();
  let closed = false;
  let refreshing: Promise<void> = Promise.resolve();
  /** One refresh at a time; none after close (it would re-add what close stopped). */
  function refreshCatalog(): Promise<void> {
    refreshing = refreshing
      .then(() => (closed ? undefined : refreshOnce()))
      .catch((err: unknown) => logger.warn(`catalog refresh failed: ${(err as Error).message}`));
    return refreshing;
  }
  async function refreshOnce(): Promise<void> {
    try {
      const config = readCatalogConfig(options.dataDir);
      const source = options.catalog ?? config.catalog;
      if (source && config.catalogKeys.length > 0)
        await registry.openCatalog(source, { trustedKeys: config.catalogKeys });
      lastCatalogProblem = '';
    } catch (err) {
      const problem = (err as Error).message;
      if (problem !== lastCatalogProblem) logger.warn(`catalog cannot be read: ${problem}`);
      lastCatalogProblem = problem;
    }
    for (const info of await registry.list()) {
      const k = known.get(info.id);
      if (closed || !k || k.source !== 'installed' || (info.blocked ?? '') === (seenBlocked.get(info.id) ?? ''))
        continue;
      seenBlocked.set(info.id, info.blocked ?? '');
      if (info.blocked) {
        logger.warn(`stopping ${info.id}: ${info.blocked}`);
        services.audit?.write({ ext: info.id, kind: 'lifecycle', detail: `stopped: ${info.blocked}` });
      }
      await known.reload(info.id).catch((err: unknown) => logger.warn(`${info.id}: ${(err as Error).message}`));
    }
    // Vulnerable bundled packages: at start and at every refresh (a changed feed is noticed).
    await advisories.refresh().catch((err: unknown) => logger.warn(`advisory check failed: ${(err as Error).message}`));
  }
  const handlers = createHandlers({
    options,
    supervisor,
    services,
    registry,
    prompter,
    known,
    policy,
    policyFile,
    emit,
    changed,
    logger,
    advisories,
  });

  const offs = [
    supervisor.onEvent(() => changed()),
    supervisor.metrics.subscribe((extensionId, sample) => emit('resources.sample', { extensionId, sample })),
    services.audit
      ? services.audit.subscribe((r) => emit('activity.record', forDisplay(r) as BridgeEventPayload<'activity.record'>))
      : () => {},
  ];

  return {
    supervisor,
    services,
    registry,
    prompter,
    async handle(method, params) {
      // Params a transport accepted are not parsed again; an in-process caller's are, once.
      const call = checkedBridgeCall(method, params ?? {});
      if (!call.ok) return call;
      const fn = handlers.get(call.method)!; // every method has one (handlers/index.ts)
      try {
        return { ok: true, value: await fn(call.params) } as BridgeResult<BridgeMethod>;
      } catch (err) {
        if (!(err instanceof WardenError))
          logger.error(`${method} failed`, { error: err instanceof Error ? err.message : String(err) });
        return { ok: false, error: toErrorData(err) };
      }
    },
    subscribe(listener) {
      const l = listener as (event: BridgeEvent, payload: unknown) => void;
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    async start() {
      await registry.recover({ ifIdle: true });
      // The blocklist first, so a version blocked while the host was down never starts. A slow
      // catalog does not hold the start up: its answer applies when it comes (refreshCatalog).
      let firstDone = false;
      const first = refreshCatalog().finally(() => (firstDone = true));
      await Promise.race([first, new Promise((r) => setTimeout(r, 5000).unref())]);
      await known.loadAll(options.devFolders ?? []);
      for (const info of await registry.list()) seenBlocked.set(info.id, info.blocked ?? '');
      if (!firstDone) void first.then(() => refreshCatalog());
      const every = options.catalogRefreshMs ?? 15 * 60_000;
      catalogTimer = setInterval(() => void refreshCatalog().catch(() => {}), every);
      catalogTimer.unref();
      rollbackWatcher = watchForAutoRollback(supervisor, registry);
      rollbackWatcher.onEvent((e) => {
        logger.warn(e.message);
        // The panel shows the version now running, not the one rolled back from.
        if (e.type === 'rolled-back') void known.reload(e.id).catch(() => {});
        changed();
      });
      changed();
    },
    async close() {
      closed = true;
      clearTimeout(changeTimer);
      clearInterval(catalogTimer);
      await refreshing.catch(() => {});
      rollbackWatcher?.stop();
      prompter.closeAll();
      await supervisor.stopAll();
      supervisor.close();
      services.behaviour?.close();
      for (const off of offs) off();
    },
  };
}
