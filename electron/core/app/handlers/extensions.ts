/** `extensions.*`: list, install/update/approve/rollback/uninstall through the registry, run control. */
import semver from 'semver';
import { WardenError } from '../../../common/errors';
import type { ExtensionSummary } from '../../../common/bridge/schemas';
import { catalogOffer, describePermissions } from '../../packages';
import { updatePolicyOf } from '../../permissions/policy';
import { summarize } from '../extension-summary';
import type { CatalogAccess } from './catalog';
import type { HandlerDeps, Handlers } from './types';

type ExtensionMethod =
  | 'extensions.list'
  | 'extensions.install'
  | 'extensions.uninstall'
  | 'extensions.setEnabled'
  | 'extensions.update'
  | 'extensions.approveUpdate'
  | 'extensions.rollback'
  | 'extensions.release'
  | 'extensions.stop'
  | 'extensions.restart';

const wrapPackageErrors = async <T>(run: () => Promise<T>): Promise<T> => {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WardenError) throw err;
    // Package errors carry user-facing messages (no host internals): keep them.
    throw new WardenError('EINVAL', err instanceof Error ? err.message : 'the package operation failed');
  }
};

export function extensionHandlers(d: HandlerDeps, catalog: CatalogAccess): Handlers<ExtensionMethod> {
  const { supervisor, registry, known } = d;
  const inSupervisor = (id: string) => supervisor.list().some((s) => s.id === id);

  return {
    'extensions.list': async () => {
      const infos = new Map((await registry.list()).map((i) => [i.id, i]));
      const cat = catalog.cached();
      const out: ExtensionSummary[] = [];
      for (const [id, k] of known.entries()) {
        const info = infos.get(id);
        // The version this installation may take (staged rollout, admin pins), and why a newer one waits.
        const offer = cat ? await catalogOffer(registry.dataDir, cat, id, updatePolicyOf(d.policy)) : {};
        const newer = offer.version && semver.gt(offer.version, k.manifest.version) ? offer.version : undefined;
        const newestAhead = cat?.latest(id) && semver.gt(cat.latest(id)!.version, k.manifest.version);
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
              ...(info?.fingerprint && !info.unsigned
                ? { signer: { publisher: info.publisher, fingerprint: info.fingerprint } }
                : {}),
              updateAvailable: newer,
              staged: newestAhead ? offer.staged : undefined,
              sbom: info?.sbom,
              advisories: d.advisories?.findings(id),
            },
            inSupervisor(id) ? supervisor.status(id) : undefined,
          ),
        );
      }
      return out.sort((a, b) => a.name.localeCompare(b.name));
    },
    'extensions.install': async (p) =>
      wrapPackageErrors(async () => {
        // Bound to the package the user reviewed (extensions.brief), when the panel says which.
        const expect = p.source !== 'folder' && p.expectSha256 ? { expect: { sha256: p.expectSha256 } } : {};
        const outcome =
          p.source === 'file'
            ? await registry.install(p.path, expect)
            : p.source === 'folder'
              ? await registry.installUnsigned(p.path)
              : await registry.installFromCatalog((await catalog.get(true))!, p.id, 'install', expect);
        await known.reload(outcome.id);
        return {
          id: outcome.id,
          version: outcome.version,
          ...(outcome.status === 'pending-approval' && outcome.widening
            ? { pendingApproval: describePermissions(outcome.widening) }
            : {}),
        };
      }),
    'extensions.uninstall': async ({ id }) => {
      const k = known.require(id);
      await supervisor.remove(id);
      if (k.source === 'installed') await wrapPackageErrors(() => registry.uninstall(id));
      known.forget(id);
      d.changed();
      return {};
    },
    'extensions.setEnabled': async ({ id, enabled }) => {
      const k = known.require(id);
      if (k.source === 'installed') {
        await wrapPackageErrors(() => registry.setEnabled(id, enabled));
        await known.reload(id);
        return {};
      }
      await known.setDevEnabled(id, enabled);
      return {};
    },
    'extensions.update': async ({ id, path: file, expectSha256, approve }) =>
      wrapPackageErrors(async () => {
        if (known.require(id).source !== 'installed')
          throw new WardenError('EINVAL', `${id} is a developer folder, not a package`);
        const opts = { ...(expectSha256 ? { expect: { sha256: expectSha256 } } : {}), ...(approve ? { approve } : {}) };
        const outcome = file
          ? await registry.update(id, file, opts)
          : await registry.installFromCatalog((await catalog.get(true))!, id, 'update', opts);
        await known.reload(id);
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
        await known.reload(id);
        return { version: outcome.version };
      }),
    'extensions.rollback': async ({ id }) =>
      wrapPackageErrors(async () => {
        const outcome = await registry.rollback(id, { reason: 'requested by the user' });
        await known.reload(id);
        return { version: outcome.to };
      }),
    'extensions.release': async ({ id }) => {
      known.require(id);
      if (inSupervisor(id)) supervisor.release(id);
      d.changed();
      return {};
    },
    'extensions.stop': async ({ id }) => {
      known.require(id);
      if (inSupervisor(id)) await supervisor.stop(id);
      return {};
    },
    'extensions.restart': async ({ id }) => {
      known.require(id);
      if (!inSupervisor(id)) throw new WardenError('EINVAL', `${id} is not enabled`);
      await supervisor.stop(id);
      await supervisor.start(id);
      return {};
    },
  };
}
