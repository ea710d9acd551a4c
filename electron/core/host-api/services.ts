/**
 * The host services an extension's calls use: the permission broker and its stores, the I/O
 * gateways, secrets, notifications and the picker. Composed once per host (CLI run, headless
 * server, Electron app) and passed to the supervisor.
 */
import path from 'node:path';
import type { Manifest } from '../../common/manifest';
import { createAuditLog, type AuditLog } from '../platform/audit-log';
import { createBroker, type Broker } from '../permissions/broker';
import { createGrantStore, type GrantStore } from '../permissions/grants';
import { EMPTY_POLICY, type Policy } from '../permissions/policy';
import { createDenyAllPrompter, type Prompter } from '../permissions/prompter';
import type { Authorizer } from '../permissions/types';
import { createFileSecretStore, type SecretStore } from '../platform/secret-store';
import type { Notifier } from '../platform/notifier';
import type { FsGatewayLike, NetGatewayLike, Picker } from '../gateways/types';
import { createFsGateway } from '../gateways/fs/fs-gateway';
import { createNetGateway } from '../gateways/net/net-gateway';
import { compileNetPattern, patternNamesHost } from '../gateways/net/url-policy';
import os from 'node:os';
import { createBehaviourMonitor, type BehaviourMonitor } from '../behaviour/monitor';
import { DEFAULT_BEHAVIOUR_SETTINGS } from '../behaviour/settings';

export interface HostServices {
  broker: Broker;
  grants: GrantStore;
  audit?: AuditLog;
  secrets?: SecretStore;
  notifier?: Notifier;
  picker?: Picker;
  fsGateway?(authorizer: Authorizer): FsGatewayLike;
  netGateway?(authorizer: Authorizer, manifest: Manifest): NetGatewayLike;
  /** Behaviour baselines (absent when the policy turns them off). */
  behaviour?: BehaviourMonitor;
}

export interface ServiceOptions {
  prompter?: Prompter;
  policy?: Policy;
  notifier?: Notifier;
  picker?: Picker;
  promptTimeoutMs?: number;
  fsGateway?: HostServices['fsGateway'];
  netGateway?: HostServices['netGateway'];
  /** Warden's files beyond the data folder (code, policy file): never reachable by extensions. */
  protectedPaths?: string[];
  onViolation?(extensionId: string, detail: string): void;
}

/** Where each service keeps its state inside a Warden data folder. */
export function servicePaths(dataDir: string) {
  return {
    grants: path.join(dataDir, 'grants.json'),
    audit: path.join(dataDir, 'audit', 'audit.jsonl'),
    secrets: path.join(dataDir, 'secrets'),
    policy: path.join(dataDir, 'policy.json'),
  };
}

export function createDefaultServices(dataDir: string, options: ServiceOptions = {}): HostServices {
  const paths = servicePaths(dataDir);
  const grants = createGrantStore(paths.grants);
  const audit = createAuditLog({ file: paths.audit });
  const behaviourSettings = options.policy?.behaviour ?? DEFAULT_BEHAVIOUR_SETTINGS;
  return {
    ...(behaviourSettings.enabled
      ? { behaviour: createBehaviourMonitor({ dataDir, settings: behaviourSettings, audit }) }
      : {}),
    grants,
    audit,
    broker: createBroker({
      grants,
      audit,
      policy: options.policy ?? EMPTY_POLICY,
      prompter: options.prompter ?? createDenyAllPrompter(),
      promptTimeoutMs: options.promptTimeoutMs,
      onViolation: options.onViolation,
    }),
    secrets: createFileSecretStore(paths.secrets),
    notifier: options.notifier,
    picker: options.picker,
    fsGateway:
      options.fsGateway ??
      ((authorizer) =>
        createFsGateway({
          authorize: (r) => authorizer.authorize(r),
          homeDir: os.homedir(),
          // The data folder holds grants, secrets, the audit log and every installed extension.
          protectedPaths: [dataDir, ...(options.protectedPaths ?? [])],
        })),
    netGateway:
      options.netGateway ??
      ((authorizer, manifest) =>
        createNetGateway({
          authorize: (r) => authorizer.authorize(r),
          allowPrivate: (url) => namesPrivateHost(manifest, url),
        })),
  };
}

/**
 * Loopback, private and link-local addresses are reachable only through a declared pattern that
 * names the host exactly (`http://localhost:8080/**`, `http://192.168.1.10/**`), never through a
 * wildcard; the request still needs the user's (or the policy's) approval like any other.
 */
export function namesPrivateHost(manifest: Manifest, url: URL): boolean {
  return (manifest.permissions.net ?? []).some((p) => {
    try {
      return patternNamesHost(compileNetPattern(p), url);
    } catch {
      return false;
    }
  });
}
