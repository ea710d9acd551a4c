/** `extensions.brief`: the security brief the panel shows before an install or update (installs nothing). */
import { WardenError } from '../../../common/errors';
import { createBriefReader } from '../../trust';
import type { CatalogAccess } from './catalog';
import type { HandlerDeps, Handlers } from './types';

export function briefHandlers(d: HandlerDeps, catalog: CatalogAccess): Handlers<'extensions.brief'> {
  const reader = createBriefReader(d.registry);
  return {
    'extensions.brief': async (p) => {
      d.registry.prepareInstall(); // the user may install what they are about to read
      try {
        if (p.source === 'file') return await reader.forFile(p.path, 'install');
        if (p.source === 'folder') return await reader.forFolder(p.path);
        if (p.source === 'catalog') return await reader.forCatalog((await catalog.get(true))!, p.id, 'install');
        if (d.known.require(p.id).source !== 'installed')
          throw new WardenError('EINVAL', `${p.id} is a developer folder, not a package`);
        const brief = p.path
          ? await reader.forFile(p.path, 'update')
          : await reader.forCatalog((await catalog.get(true))!, p.id, 'update');
        if (brief.id !== p.id) throw new WardenError('EINVAL', `the package is ${brief.id}, not ${p.id}`);
        return brief;
      } catch (err) {
        if (err instanceof WardenError) throw err;
        // Package errors carry user-facing messages (no host internals): keep them.
        throw new WardenError('EINVAL', err instanceof Error ? err.message : 'the package cannot be read');
      }
    },
  };
}
