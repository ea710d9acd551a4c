/** The bridge methods of the app host (see app-host.ts), one function each. */
import semver from 'semver';
import { WardenError } from '../../../common/errors';
import type { Manifest } from '../../../common/manifest';
import { WARDEN_API_VERSION } from '../../../common/version';
import type {
  BridgeEvent,
  BridgeEventPayload,
  BridgeMethod,
  BridgeParams,
  BridgeValue,
  ExtensionSummary,
} from '../../../common/bridge/schemas';
import type { DataValue } from '../../../common/data-value';
import type { Logger } from '../../platform/logger';
import type { Supervisor } from '../../supervision/supervisor';
import type { HostServices } from '../../host-api/services';
import type { Policy } from '../../permissions/policy';
import type { UiPrompter } from '../../permissions/ui-prompter';
import { describePermissions, readCatalogConfig, type Catalog, type PackageRegistry } from '../../packages';
import { summarize } from '../extension-summary';
import type { AppHostOptions } from '../app-host';
import { forDisplay } from '../../permissions/display';

/** An extension the host knows about, whether or not its process runs. */
export interface Known {
  source: 'installed' | 'dev';
  enabled: boolean;
  blocked?: string;
  manifest: Manifest;
  dir?: string;
}

interface Deps {
  options: AppHostOptions;
  supervisor: Supervisor;
  services: HostServices;
  registry: PackageRegistry;
  prompter: UiPrompter;
  known: Map<string, Known>;
  policy: Policy;
  policyFile: string;
  emit<E extends BridgeEvent>(event: E, payload: BridgeEventPayload<E>): void;
  changed(): void;
  logger: Logger;
}

type Handler<M extends BridgeMethod> = (params: BridgeParams<M>) => Promise<BridgeValue<M>>;
type Handlers = { [M in BridgeMethod]: Handler<M> };

const CATALOG_TTL_MS = 5 * 60_000;

export function createHandlers(d: Deps): Map<BridgeMethod, (params: unknown) => Promise<unknown>> {
  const { supervisor, registry, known, services } = d;
  const runs = new Map<string, AbortController>();
  let catalogCache: { at: number; catalog: Catalog | undefined } | undefined;

  const knownOr404 = (id: string): Known => {
    const k = known.get(id);
    if (!k) throw new WardenError('ENOENT', `no extension "${id}" is installed`);
    return k;
  };

  /** The configured catalog, if any (re-read every few minutes). */
  async function catalog(required = false): Promise<Catalog | undefined> {
    if (catalogCache && Date.now() - catalogCache.at < CATALOG_TTL_MS && (catalogCache.catalog || !required)) {
      return catalogCache.catalog;
    }
    const config = readCatalogConfig(d.options.dataDir);
    const source = d.options.catalog ?? config.catalog;
    if (!source) {
      if (required) throw new WardenError('EINVAL', 'no catalog is configured (config.json "catalog")');
      catalogCache = { at: Date.now(), catalog: undefined };
      return undefined;
    }
    try {
      const c = await registry.openCatalog(source, { trustedKeys: config.catalogKeys });
      catalogCache = { at: Date.now(), catalog: c };
      return c;
    } catch (err) {
      d.logger.warn(`catalog ${source} cannot be used: ${(err as Error).message}`);
      if (required) throw new WardenError('EINVAL', `the catalog cannot be used: ${(err as Error).message}`);
      catalogCache = { at: Date.now(), catalog: undefined };
      return undefined;
    }
  }

  /** Reloads an installed extension into the supervisor after the registry changed it. */
  async function reload(id: string): Promise<void> {
    await supervisor.remove(id);
    const records = await registry.list();
    const info = records.find((r) => r.id === id);
    if (!info) {
      known.delete(id);
      d.changed();
      return;
    }
    const ext = await registry.loadInstalled(id);
    known.set(id, { source: 'installed', enabled: info.enabled, blocked: info.blocked, manifest: ext.manifest });
    if (info.enabled && !info.blocked) supervisor.add(ext);
    d.changed();
  }

  const wrapPackageErrors = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      if (err instanceof WardenError) throw err;
      // Package errors carry user-facing messages (no host internals): keep them.
      throw new WardenError('EINVAL', err instanceof Error ? err.message : 'the package operation failed');
    }
  };

  const inSupervisor = (id: string) => supervisor.list().some((s) => s.id === id);

  const h: Handlers = {
    'app.info': async () => ({
      version: d.options.version,
      apiVersion: WARDEN_API_VERSION,
      mode: d.options.mode,
      ...(d.options.note ? { note: d.options.note } : {}),
    }),
    'app.openExternal': async ({ url }) => {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new WardenError('EINVAL', 'not a URL');
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw new WardenError('EINVAL', 'only http(s) links can be opened');
      return { opened: d.options.openExternal ? await d.options.openExternal(parsed.href) : false };
    },
    'extensions.list': async () => {
      const infos = new Map((await registry.list()).map((i) => [i.id, i]));
      const cat = catalogCache?.catalog;
      const out: ExtensionSummary[] = [];
      for (const [id, k] of known) {
        const info = infos.get(id);
        const latest = cat?.latest(id);
        out.push(
          summarize(
            {
              manifest: k.manifest,
              enabled: k.enabled,
              unsigned: k.source === 'dev' || info?.unsigned === true,
              blocked: info?.blocked ?? k.blocked,
              pending: info?.pending
                ? { version: info.pending.version, addedPermissions: describePermissions(info.pending.widening) }
                : undefined,
              rollbackTo: info?.kept.find((v) => v !== info.version),
              updateAvailable: latest && semver.gt(latest.version, k.manifest.version) ? latest.version : undefined,
            },
            inSupervisor(id) ? supervisor.status(id) : undefined,
          ),
        );
      }
      return out.sort((a, b) => a.name.localeCompare(b.name));
    },
    'extensions.install': async (p) =>
      wrapPackageErrors(async () => {
        const outcome =
          p.source === 'file'
            ? await registry.install(p.path)
            : p.source === 'folder'
              ? await registry.installUnsigned(p.path)
              : await registry.installFromCatalog((await catalog(true))!, p.id, 'install');
        await reload(outcome.id);
        return {
          id: outcome.id,
          version: outcome.version,
          ...(outcome.status === 'pending-approval' && outcome.widening
            ? { pendingApproval: describePermissions(outcome.widening) }
            : {}),
        };
      }),
    'extensions.uninstall': async ({ id }) => {
      const k = knownOr404(id);
      await supervisor.remove(id);
      if (k.source === 'installed') await wrapPackageErrors(() => registry.uninstall(id));
      known.delete(id);
      d.changed();
      return {};
    },
    'extensions.setEnabled': async ({ id, enabled }) => {
      const k = knownOr404(id);
      if (k.source === 'installed') {
        await wrapPackageErrors(() => registry.setEnabled(id, enabled));
        await reload(id);
        return {};
      }
      k.enabled = enabled;
      if (!enabled) await supervisor.remove(id);
      else throw new WardenError('EINVAL', 'a developer folder is re-enabled by restarting the host');
      d.changed();
      return {};
    },
    'extensions.update': async ({ id, path: file }) =>
      wrapPackageErrors(async () => {
        if (knownOr404(id).source !== 'installed')
          throw new WardenError('EINVAL', `${id} is a developer folder, not a package`);
        const outcome = file
          ? await registry.update(id, file)
          : await registry.installFromCatalog((await catalog(true))!, id, 'update');
        await reload(id);
        return {
          version: outcome.version,
          ...(outcome.status === 'pending-approval' && outcome.widening
            ? { pendingApproval: describePermissions(outcome.widening) }
            : {}),
        };
      }),
    'extensions.approveUpdate': async ({ id }) =>
      wrapPackageErrors(async () => {
        const outcome = await registry.approve(id);
        await reload(id);
        return { version: outcome.version };
      }),
    'extensions.rollback': async ({ id }) =>
      wrapPackageErrors(async () => {
        const outcome = await registry.rollback(id, { reason: 'requested by the user' });
        await reload(id);
        return { version: outcome.to };
      }),
    'extensions.release': async ({ id }) => {
      knownOr404(id);
      if (inSupervisor(id)) supervisor.release(id);
      d.changed();
      return {};
    },
    'extensions.stop': async ({ id }) => {
      knownOr404(id);
      if (inSupervisor(id)) await supervisor.stop(id);
      return {};
    },
    'extensions.restart': async ({ id }) => {
      knownOr404(id);
      if (!inSupervisor(id)) throw new WardenError('EINVAL', `${id} is not enabled`);
      await supervisor.stop(id);
      await supervisor.start(id);
      return {};
    },
    'commands.run': async ({ runId, extensionId, commandId, args }) => {
      const k = knownOr404(extensionId);
      if (!k.enabled) throw new WardenError('EINVAL', `${extensionId} is disabled`);
      if (runs.has(runId)) throw new WardenError('EEXIST', `a run "${runId}" is already in progress`);
      const controller = new AbortController();
      runs.set(runId, controller);
      const started = Date.now();
      try {
        const result = await supervisor.invoke(extensionId, commandId, args as DataValue, {
          signal: controller.signal,
          onProgress: (fraction, message) =>
            d.emit('commands.progress', { runId, fraction, ...(message !== undefined ? { message } : {}) }),
        });
        return { result, durationMs: Date.now() - started };
      } finally {
        runs.delete(runId);
      }
    },
    'commands.cancel': async ({ runId }) => {
      runs.get(runId)?.abort();
      return {};
    },
    'prompts.pending': async () => d.prompter.pending(),
    'prompts.answer': async ({ promptId, answer }) => {
      if (!d.prompter.answer(promptId, answer)) throw new WardenError('ENOENT', 'that prompt is no longer open');
      return {};
    },
    'resources.snapshot': async ({ sinceMs }) =>
      [...known.keys()].map((extensionId) => ({
        extensionId,
        history: supervisor.metrics.history(extensionId, Date.now() - (sinceMs ?? 10 * 60_000)),
      })),
    'permissions.grants': async ({ extensionId }) =>
      services.grants.list(extensionId).map((g) => ({
        id: g.id,
        extensionId: g.extensionId,
        capability: g.capability,
        effect: g.effect,
        scope: g.scope.kind === 'tree' ? `${g.scope.value}/**` : g.scope.value,
        picked: g.picked === true,
        createdAt: g.createdAt,
      })),
    'permissions.revoke': async ({ grantId }) => {
      if ((await services.grants.revoke({ id: grantId })) === 0) throw new WardenError('ENOENT', 'no such grant');
      return {};
    },
    'permissions.policy': async () => {
      const rules = d.policy.forbid.length + d.policy.allow.length + d.policy.extensions.forbid.length;
      // No rules is no policy in force: empty text (the panel then says so instead of showing `{}`).
      return { text: rules === 0 ? '' : JSON.stringify(d.policy, null, 2), rules };
    },
    'activity.query': async ({ extensionId, capability, decision, limit }) => {
      const records = (services.audit?.read({ extensionId }) ?? []).filter(
        (r) =>
          (capability === undefined || r.capability === capability) &&
          (decision === undefined || r.decision === decision),
      );
      return records.slice(-(limit ?? 500)).map((r) => forDisplay(r)) as BridgeValue<'activity.query'>;
    },
    'catalog.list': async ({ query }) => {
      const cat = await catalog();
      if (!cat) return [];
      return cat.search(query ?? '').map((p) => ({
        id: p.id,
        ...(p.name ? { name: p.name } : {}),
        version: p.version,
        publisher: p.publisher,
        ...(p.description ? { description: p.description } : {}),
        ...(known.get(p.id) ? { installed: known.get(p.id)!.manifest.version } : {}),
        blocked: cat.blocked(p.id, p.version, p.sha256),
      }));
    },
    'pickers.pickFile': async ({ title, kind }) => {
      if (!d.options.picker)
        throw new WardenError('EPERM', 'no file picker is available in this host', { reason: 'denied' });
      return {
        path: await d.options.picker.pick({
          extensionName: 'Warden',
          kind: kind ?? 'file',
          ...(title ? { title } : {}),
        }),
      };
    },
  };
  return new Map(Object.entries(h)) as Map<BridgeMethod, (params: unknown) => Promise<unknown>>;
}
