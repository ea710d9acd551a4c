/** Contract-shaped test data (DOM-free). */
import type {
  AuditRecordData,
  ExtensionSummary,
  FindingData,
  GrantData,
  IncidentData,
  MetricSampleData,
  PromptData,
} from '../../electron/common/bridge/schemas';
import type { SecurityBrief } from '../../electron/common/security-brief';

export function extension(overrides: Partial<ExtensionSummary> = {}): ExtensionSummary {
  return {
    id: 'acme.word-count',
    name: 'Word Count',
    version: '1.2.0',
    publisher: 'acme',
    description: 'Counts words in text files.',
    state: 'idle',
    enabled: true,
    unsigned: false,
    strikes: 0,
    commands: [
      {
        id: 'word-count.count',
        title: 'Count words in a folder',
        params: { folder: { type: 'path', kind: 'directory', title: 'Folder', required: true } },
      },
    ],
    permissions: ['fs.read ~/Documents/**'],
    ...overrides,
  };
}

export function prompt(overrides: Partial<PromptData> = {}): PromptData {
  return {
    promptId: 'p1',
    extensionId: 'acme.word-count',
    extensionName: 'Word Count',
    publisher: 'acme',
    capability: 'fs.read',
    target: '/home/u/Documents/notes/today.md',
    declaredScope: ['~/Documents/**'],
    scopes: {
      item: '/home/u/Documents/notes/today.md',
      parent: '/home/u/Documents/notes/**',
      declared: '~/Documents/**',
    },
    reason: 'To count the words in your notes',
    expiresAt: Date.now() + 60_000,
    ...overrides,
  };
}

export function sample(time: number, overrides: Partial<MetricSampleData> = {}): MetricSampleData {
  return {
    time,
    state: 'running',
    cpuPercent: 5,
    rssBytes: 40 * 1024 * 1024,
    heapUsed: 10 * 1024 * 1024,
    callsPerSecond: 1,
    hostCallsPerSecond: 0,
    fsBytes: 0,
    netBytes: 0,
    denials: 0,
    prompts: 0,
    strikes: 0,
    sampled: true,
    ...overrides,
  };
}

export function grant(overrides: Partial<GrantData> = {}): GrantData {
  return {
    id: 'g1',
    extensionId: 'acme.word-count',
    capability: 'fs.read',
    effect: 'allow',
    scope: '/home/u/Documents/notes/**',
    picked: false,
    createdAt: Date.UTC(2025, 0, 2, 3, 4),
    ...overrides,
  };
}

export function record(overrides: Partial<AuditRecordData> = {}): AuditRecordData {
  return {
    time: Date.UTC(2025, 0, 2, 3, 4, 5),
    ext: 'acme.word-count',
    kind: 'decision',
    capability: 'fs.read',
    target: '/home/u/Documents/notes/today.md',
    decision: 'allow',
    via: 'prompt',
    ...overrides,
  };
}

/** A security brief as the host builds it (extensions.brief). */
export function securityBrief(overrides: Partial<SecurityBrief> = {}): SecurityBrief {
  return {
    kind: 'install',
    id: 'acme.word-count',
    name: 'Word Count',
    version: '1.2.0',
    publisher: 'acme',
    signed: true,
    sha256: 'c'.repeat(64),
    key: { fingerprint: 'a'.repeat(64), status: 'new' },
    capabilities: [
      { capability: 'fs.read', pattern: '~/Documents/**', words: 'read files in Documents and every folder inside it' },
      { capability: 'notifications', words: 'show notifications' },
    ],
    limits: ['memory: up to 128 MB', 'processor: up to 50% of one core'],
    advisories: [],
    risk: { level: 'low', reasons: [{ rule: 'L1', level: 'low', words: 'no rule for medium or high risk applies' }] },
    ...overrides,
  };
}
export function finding(overrides: Partial<FindingData> = {}): FindingData {
  return {
    id: 'f1',
    t: Date.now() - 5 * 60_000,
    ext: 'acme.sync',
    version: '2.0.0',
    rule: 'new-destination',
    severity: 'high',
    response: 'contain',
    capability: 'net',
    target: 'https://collector.example.net/upload',
    afterUpdate: true,
    hoursSinceUpdate: 0.1,
    rollbackTo: '1.0.0',
    why: 'sent 19.5 KiB to collector.example.net, a destination it never contacted before',
    state: 'open',
    ...overrides,
  };
}

export function incident(f: FindingData = finding()): IncidentData {
  return {
    finding: f,
    from: f.t - 15 * 60_000,
    to: f.t + 5 * 60_000,
    timeline: [
      { time: f.t - 1000, ext: f.ext, kind: 'command', target: 'sync.run', version: f.version },
      { time: f.t, ext: f.ext, kind: 'operation', method: 'net.fetch', target: f.target, bytes: 20000 },
    ],
    summary: {
      commands: ['sync.run'],
      versions: [f.version],
      destinations: [{ host: 'collector.example.net', calls: 1, bytes: 20000 }],
      paths: [],
      denied: 0,
      totalBytes: 20000,
    },
    markdown: `# Incident: ${f.ext} ${f.version}\n`,
  };
}
