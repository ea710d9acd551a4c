/**
 * What one extension's `host.*` calls run against: its private data, its authorizer (the broker
 * bound to its manifest, observed for metrics and violations), its I/O gateways, its budget and
 * usage counters. Created once per extension when the supervisor adds it.
 */
import type { Manifest } from '../../common/manifest';
import type { HostMethod, HostMethodArgs } from '../../common/protocol';
import type { DataValue } from '../../common/data-value';
import { DEFAULT_LIMITS } from '../../common/limits';
import { createPrivateData, type PrivateData } from '../private-data/private-data';
import { observeAuthorizer, type ExtensionAuthorizer } from '../permissions/broker';
import type { PromptHolds } from '../permissions/types';
import type { AuditLog } from '../platform/audit-log';
import type { SecretStore } from '../platform/secret-store';
import type { Notifier } from '../platform/notifier';
import type { FsGatewayLike, NetGatewayLike, Picker } from '../gateways/types';
import { createBudgetMeter, type BudgetMeter, type Budgets } from '../governance/token-bucket';
import type { HostServices } from './services';
import { createDeprecationTracker, type DeprecationTracker } from './deprecations';

export interface HostApiDeps {
  manifest: Manifest;
  data: PrivateData;
  authorizer: ExtensionAuthorizer;
  fs?: FsGatewayLike;
  net?: NetGatewayLike;
  secrets?: SecretStore;
  notifier?: Notifier;
  picker?: Picker;
  audit?: AuditLog;
  /** Usage counters the supervisor turns into metrics. */
  usage?: HostUsage;
  /** fs/net byte and request budgets; over budget a call fails with ERATE and has no effect. */
  budget?: BudgetMeter;
  /** Deprecated host calls: forwarded, logged once per activation, audited (deprecations.ts). */
  deprecations?: DeprecationTracker;
  /** Sees every completed call (behaviour baselines); must not throw or delay the reply. */
  observe?(method: string, args: readonly unknown[], result: unknown): void;
  /** An unsigned developer folder: messages name it as "<extension folder>", never its path. */
  devFolder?: boolean;
}

export interface HostUsage {
  fsBytes: number;
  netBytes: number;
  denials: number;
  prompts: number;
}

/** A context as the supervisor creates it: usage and budget always present. */
export interface ExtensionContext extends HostApiDeps {
  usage: HostUsage;
  budget: BudgetMeter;
}

export interface ExtensionContextOptions {
  manifest: Manifest;
  publisherKey?: string;
  dataDir: string;
  services: HostServices;
  budgets: Budgets;
  /** A request outside the manifest (refused and audited by the broker already). */
  onViolation(detail: string): void;
  /** An unsigned developer folder (its grants bind to the folder's real path too). */
  devFolder?: string;
  /** The extension's running calls, whose clocks a prompt holds (supervision/call-clocks.ts). */
  calls?: PromptHolds;
  /** The extension's log, for deprecation warnings. */
  warn?(message: string): void;
}

export function createExtensionContext(o: ExtensionContextOptions): ExtensionContext {
  const { manifest, services } = o;
  const data = createPrivateData(o.dataDir, manifest.id, manifest.limits.storageMb ?? DEFAULT_LIMITS.storageMb);
  const usage: HostUsage = { fsBytes: 0, netBytes: 0, denials: 0, prompts: 0 };
  const authorizer = observeAuthorizer(
    services.broker.forExtension({ manifest, publisherKey: o.publisherKey, devFolder: o.devFolder }, o.calls),
    {
      counts: usage,
      onViolation: o.onViolation,
    },
  );
  return {
    manifest,
    data,
    authorizer,
    fs: services.fsGateway?.(authorizer),
    net: services.netGateway?.(authorizer, manifest),
    secrets: services.secrets,
    notifier: services.notifier,
    picker: services.picker,
    audit: services.audit,
    usage,
    ...(o.devFolder !== undefined ? { devFolder: true } : {}),
    budget: createBudgetMeter(o.budgets),
    deprecations: createDeprecationTracker({ extensionId: manifest.id, audit: services.audit, warn: o.warn }),
    ...(services.behaviour
      ? { observe: (method, args, result) => services.behaviour!.observe(manifest, method, args, result) }
      : {}),
  };
}

/** The implementations of some host methods, arguments already validated against their schema. */
export type HostMethodImpls<K extends HostMethod> = {
  [M in K]: (args: HostMethodArgs<M>) => Promise<DataValue | undefined | void>;
};
