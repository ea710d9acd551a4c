/** What every group of app-host bridge handlers is given, and the shape each group returns. */
import type { BridgeEvent, BridgeEventPayload, BridgeMethod, BridgeValue } from '../../../common/bridge/schemas';
import type { BridgeArgs } from '../../../common/bridge/bridge-host';
import type { Logger } from '../../platform/logger';
import type { Supervisor } from '../../supervision/supervisor';
import type { HostServices } from '../../host-api/services';
import type { Policy } from '../../permissions/policy';
import type { UiPrompter } from '../../permissions/ui-prompter';
import type { PackageRegistry } from '../../packages';
import type { AppHostOptions } from '../app-host';
import type { KnownExtensions } from '../known-extensions';

import type { AdvisoryWatch } from '../advisory-watch';

export interface HandlerDeps {
  options: AppHostOptions;
  supervisor: Supervisor;
  services: HostServices;
  registry: PackageRegistry;
  prompter: UiPrompter;
  known: KnownExtensions;
  policy: Policy;
  policyFile: string;
  emit<E extends BridgeEvent>(event: E, payload: BridgeEventPayload<E>): void;
  changed(): void;
  logger: Logger;
  /** Advisories matched against installed extensions' SBOMs (app/advisory-watch.ts). */
  advisories?: AdvisoryWatch;
}

/** Typed from the method's schema; the params have passed it (common/bridge/bridge-host.ts). */
export type Handler<M extends BridgeMethod> = (params: BridgeArgs<M>) => Promise<BridgeValue<M>>;
/** The handlers of some bridge methods. */
export type Handlers<K extends BridgeMethod> = { [M in K]: Handler<M> };
