/** The bridge methods of the app host (see app-host.ts), one function each, grouped by subject. */
import type { BridgeMethod } from '../../../common/bridge/schemas';
import { appHandlers } from './app';
import { extensionHandlers } from './extensions';
import { commandHandlers } from './commands';
import { promptHandlers } from './prompts';
import { permissionHandlers } from './permissions';
import { activityHandlers } from './activity';
import { anomalyHandlers } from './anomalies';
import { catalogHandlers, createCatalogAccess } from './catalog';
import { briefHandlers } from './brief';
import type { HandlerDeps, Handlers } from './types';

export type { HandlerDeps } from './types';

export function createHandlers(d: HandlerDeps): Map<BridgeMethod, (params: unknown) => Promise<unknown>> {
  const catalog = createCatalogAccess(d);
  // Typed as every method: a bridge method without a handler does not compile.
  const h: Handlers<BridgeMethod> = {
    ...appHandlers(d),
    ...extensionHandlers(d, catalog),
    ...commandHandlers(d),
    ...promptHandlers(d),
    ...permissionHandlers(d),
    ...activityHandlers(d),
    ...anomalyHandlers(d),
    ...catalogHandlers(d, catalog),
    ...briefHandlers(d, catalog),
  };
  return new Map(Object.entries(h)) as Map<BridgeMethod, (params: unknown) => Promise<unknown>>;
}
