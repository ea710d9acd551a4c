/**
 * The host services an extension's calls use: the permission broker and its stores, the I/O
 * gateways, secrets, notifications and the picker. Composed once per host (CLI run, headless
 * server, Electron app) and passed to the supervisor.
 */
import type { WallLevel } from '../../common/wall';
import path from 'node:path';
import type { Manifest } from '../../common/manifest';
import { createAuditLog, type AuditLog } from '../platform/audit-log';
import { createBroker, type Broker } from '../permissions/broker';
import { createGrantStore, type GrantStore } from '../permissions/grants';
import { EMPTY_POLICY, policyAllowsLocalNetwork, type Policy } from '../permissions/policy';
import { createDenyAllPrompter, type Prompter } from '../permissions/prompter';
import type { Authorizer } from '../permissions/types';
import { createFileSecretStore, defaultKeyDir, type SecretStore } from '../platform/secret-store';
import { createRedactor, type Redactor } from '../platform/redaction';
import type { Notifier } from '../platform/notifier';
import type { FsGatewayLike, NetGatewayLike, Picker } from '../gateways/types';
import { createFsGateway } from '../gateways/fs/fs-gateway';
import { createNetGateway, type ResolvedAddress } from '../gateways/net/net-gateway';
import { createLocalAccessRule } from '../gateways/net/local-access';
import os from 'node:os';
import { createBehaviourMonitor, type BehaviourMonitor } from '../behaviour/monitor';
import { DEFAULT_BEHAVIOUR_SETTINGS } from '../behaviour/settings';

export interface HostServices {
  broker: Broker;
  grants: GrantStore;
  audit?: AuditLog;
  secrets?: SecretStore;
  /** What the audit log and prompts pass their text through (learns each secret value handed out). */
  redactor?: Redactor;
  notifier?: Notifier;
  picker?: Picker;
  fsGateway?(authorizer: Authorizer): FsGatewayLike;
  netGateway?(authorizer: Authorizer, manifest: Manifest): NetGatewayLike;
  /** The admin policy the broker applies; its `limits` also cap every extension's I/O budgets. */
  policy?: Policy;
  /** The policy's minimum second wall: extensions below it are refused (docs/os-wall.md). */
  requireWall?: WallLevel;
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
  /** The net gateway's DNS resolver (tests make names resolve where they need). */
  netResolve?: (hostname: string) => Promise<ResolvedAddress[]>;
  onViolation?(extensionId: string, detail: string): void;
  /** The secret store (the app's safeStorage one); default: the file store of the data folder. */
  secrets?: SecretStore;
}

/** Where each service keeps its state inside a Warden data folder. */
export function servicePaths(dataDir: string) {
  return {
    grants: path.join(dataDir, 'grants.json'),
    audit: path.join(dataDir, 'audit', 'audit.jsonl'),
    secrets: path.join(dataDir, 'secrets'),
    /** The secrets' key, outside the data folder (platform/secret-store.ts says why). */
    keys: defaultKeyDir(),
    policy: path.join(dataDir, 'policy.json'),
  };
}

export function createDefaultServices(dataDir: string, options: ServiceOptions = {}): HostServices {
  const paths = servicePaths(dataDir);
  const grants = createGrantStore(paths.grants);
  const redactor = createRedactor();
  const audit = createAuditLog({ file: paths.audit, redact: redactor.text });
  const behaviourSettings = options.policy?.behaviour ?? DEFAULT_BEHAVIOUR_SETTINGS;
  return {
    ...(behaviourSettings.enabled
      ? { behaviour: createBehaviourMonitor({ dataDir, settings: behaviourSettings, audit }) }
      : {}),
    grants,
    audit,
    policy: options.policy ?? EMPTY_POLICY,
    requireWall: options.policy?.sandbox.requireWall ?? 'none',
    redactor,
    broker: createBroker({
      grants,
      audit,
      redact: redactor.text,
      policy: options.policy ?? EMPTY_POLICY,
      prompter: options.prompter ?? createDenyAllPrompter(),
      promptTimeoutMs: options.promptTimeoutMs,
      onViolation: options.onViolation,
    }),
    secrets: learningSecrets(options.secrets ?? createFileSecretStore(paths.secrets, { keyDir: paths.keys }), redactor),
    notifier: options.notifier,
    picker: options.picker,
    fsGateway:
      options.fsGateway ??
      ((authorizer) =>
        createFsGateway({
          authorize: (r) => authorizer.authorize(r),
          homeDir: os.homedir(),
          // The data folder holds grants, secrets, the audit log and every installed extension;
          // the key folder the key that decrypts the secrets.
          protectedPaths: [dataDir, paths.keys, ...(options.protectedPaths ?? [])],
        })),
    netGateway:
      options.netGateway ??
      ((authorizer, manifest) =>
        createNetGateway({
          authorize: (r) => authorizer.authorize(r),
          ...(options.netResolve ? { resolve: options.netResolve } : {}),
          allowPrivate: createLocalAccessRule({
            patterns: manifest.permissions.net ?? [],
            policyAllowsLocal: policyAllowsLocalNetwork(options.policy ?? EMPTY_POLICY, {
              extensionId: manifest.id,
              publisher: manifest.publisher,
            }),
          }),
        })),
  };
}

/**
 * A secret store that tells the redactor every value it hands out: the only way an extension
 * learns a stored value is through it, so any value it can echo into a URL is known by then.
 */
function learningSecrets(store: SecretStore, redactor: Redactor): SecretStore {
  return {
    ...store,
    async get(extensionId, name) {
      const value = await store.get(extensionId, name);
      if (value !== undefined) redactor.add(value);
      return value;
    },
    async set(extensionId, name, value) {
      redactor.add(value);
      await store.set(extensionId, name, value);
    },
  };
}
