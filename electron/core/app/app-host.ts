/**
 * The host behind the desktop panel and headless mode: one supervisor, the permission services
 * (prompts go to the UI), the package registry, metrics and the audit log, exposed as the bridge
 * contract of electron/common/bridge/schemas.ts. The Electron main process and the headless
 * server are thin transports over `handle` and `subscribe`.
 */
import { WardenError, toErrorData } from '../../common/errors';
import {
  BRIDGE_METHODS,
  type BridgeEvent,
  type BridgeEventPayload,
  type BridgeMethod,
  type BridgeResult,
} from '../../common/bridge/schemas';
import { formatIssues } from '../../common/schema-issues';
import type { BridgeHost } from '../../common/bridge/bridge-host';
import type { Launcher } from '../process/launcher';
import { silentLogger, type Logger } from '../platform/logger';
import { createSupervisor, type Supervisor } from '../supervision/supervisor';
import { createDefaultServices, servicePaths, type HostServices } from '../host-api/services';
import { loadPolicyFile, type Policy } from '../permissions/policy';
import { createUiPrompter, type UiPrompter } from '../permissions/ui-prompter';
import type { ProcSampler } from '../governance/proc-stats';
import type { SecretStore } from '../platform/secret-store';
import type { Notifier } from '../platform/notifier';
import type { Picker } from '../gateways/types';
import {
  createPackageRegistry,
  watchForAutoRollback,
  type PackageRegistry,
  type AutoRollbackWatcher,
} from '../packages';
import { createHandlers } from './handlers';
import { createKnownExtensions } from './known-extensions';
import { forDisplay } from '../permissions/display';

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
  promptTimeoutMs?: number;
  note?: string;
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
  });
  const policyFile = options.policyFile ?? servicePaths(options.dataDir).policy;
  let policy: Policy;
  try {
    policy = loadPolicyFile(policyFile);
  } catch (err) {
    // A broken admin policy must not silently mean "no policy": refuse to start.
    throw new WardenError('EINVAL', (err as Error).message);
  }
  const services = createDefaultServices(options.dataDir, {
    prompter,
    policy,
    picker: options.picker,
    notifier: options.notifier,
    promptTimeoutMs: timeoutMs,
    protectedPaths: [policyFile, ...(options.protectedPaths ?? [])],
  });
  if (options.secrets) services.secrets = options.secrets;
  const supervisor = createSupervisor({
    launcher: options.launcher,
    dataDir: options.dataDir,
    logger,
    services,
    governance: options.sample === undefined ? {} : { sample: options.sample },
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
  const registry = createPackageRegistry(options.dataDir, { audit: services.audit });
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

  const known = createKnownExtensions({ supervisor, registry, logger, changed });
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
      const fn = handlers.get(method as BridgeMethod);
      if (!fn) return { ok: false, error: { code: 'EINVAL', message: `unknown method "${method}"` } };
      const spec = BRIDGE_METHODS[method as BridgeMethod];
      const parsed = spec.params.safeParse(params ?? {});
      if (!parsed.success) {
        return { ok: false, error: { code: 'EINVAL', message: `${method}: ${formatIssues(parsed.error, 1)[0]}` } };
      }
      try {
        return { ok: true, value: await fn(parsed.data) } as BridgeResult<BridgeMethod>;
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
      await known.loadAll(options.devFolders ?? []);
      rollbackWatcher = watchForAutoRollback(supervisor, registry);
      rollbackWatcher.onEvent((e) => {
        logger.warn(e.message);
        changed();
      });
      changed();
    },
    async close() {
      clearTimeout(changeTimer);
      rollbackWatcher?.stop();
      prompter.closeAll();
      await supervisor.stopAll();
      supervisor.close();
      services.behaviour?.close();
      for (const off of offs) off();
    },
  };
}
