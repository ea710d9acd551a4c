import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBroker, type ExtensionAuthorizer } from '../../electron/core/permissions/broker';
import { createGrantStore, type GrantStore } from '../../electron/core/permissions/grants';
import { EMPTY_POLICY, parsePolicy, type Policy } from '../../electron/core/permissions/policy';
import type { Prompter, PromptAnswer, PromptRequest } from '../../electron/core/permissions/prompter';
import { createAuditLog, type AuditLog } from '../../electron/core/platform/audit-log';
import { parseManifest, type Manifest } from '../../electron/common/manifest';
// The broker is asked only about targets a gateway's canonicaliser made; these tests stand in for one.
import { mintTarget } from '../../electron/core/gateways/mint';
import type { TargetKind } from '../../electron/core/gateways/target';

let dir: string;
let home: string;
let grants: GrantStore;
let audit: AuditLog;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-broker-'));
  home = path.join(dir, 'home');
  fs.mkdirSync(path.join(home, 'Documents', 'sub'), { recursive: true });
  grants = createGrantStore(path.join(dir, 'grants.json'));
  audit = createAuditLog({ file: path.join(dir, 'audit.jsonl') });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function manifest(permissions: Record<string, unknown>): Manifest {
  const r = parseManifest({
    id: 'acme.tool',
    name: 'Tool',
    version: '1.0.0',
    publisher: 'acme',
    engines: { warden: '^1.0.0' },
    permissions,
  });
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.manifest;
}

/** A prompter that records prompts and answers from a queue (or never, to test timeouts). */
function scripted(answers: Array<PromptAnswer | 'never'>) {
  const asked: PromptRequest[] = [];
  const prompter: Prompter = {
    prompt(req) {
      asked.push(req);
      const a = answers.shift() ?? { kind: 'deny' };
      return a === 'never' ? new Promise(() => {}) : new Promise((r) => setTimeout(() => r(a), 5));
    },
  };
  return { prompter, asked };
}

function authorizer(
  prompter: Prompter,
  perms: Record<string, unknown>,
  policy: Policy = EMPTY_POLICY,
  timeoutMs = 2000,
) {
  const violations: string[] = [];
  const broker = createBroker({
    grants,
    policy,
    prompter,
    audit,
    homeDir: home,
    promptTimeoutMs: timeoutMs,
    onViolation: (_id, d) => violations.push(d),
  });
  return { auth: broker.forExtension({ manifest: manifest(perms) }) as ExtensionAuthorizer, violations };
}

const canonical = (target: string, kind: TargetKind = 'fs') => mintTarget(kind, target, target).canonical;
const doc = (name: string) => canonical(path.join(home, 'Documents', name));
const read = (target: string) => ({ capability: 'fs.read' as const, target: canonical(target) });

describe('permission broker', () => {
  it('refuses an undeclared request at once, without a prompt, as a counted violation', async () => {
    const { prompter, asked } = scripted([{ kind: 'allow-once' }]);
    const { auth, violations } = authorizer(prompter, { 'fs.read': ['~/Documents/**'] });
    const d = await auth.authorize(read(path.join(home, '.ssh', 'id_rsa')));
    expect(d).toMatchObject({ allow: false, reason: 'undeclared' });
    expect(asked).toHaveLength(0);
    expect(violations).toHaveLength(1);
    expect(audit.read().at(-1)).toMatchObject({ kind: 'violation', decision: 'deny', reason: 'undeclared' });
  });

  it('does not let a sibling folder with the same prefix pass the ceiling', async () => {
    fs.mkdirSync(path.join(home, 'Documents-evil'));
    const { prompter, asked } = scripted([{ kind: 'allow-once' }]);
    const { auth } = authorizer(prompter, { 'fs.read': ['~/Documents/**'] });
    expect(await auth.authorize(read(path.join(home, 'Documents-evil', 'x')))).toMatchObject({
      allow: false,
      reason: 'undeclared',
    });
    expect(asked).toHaveLength(0);
  });

  it('allow once asks again next time; the prompt carries host-derived facts and a sanitised reason', async () => {
    const { prompter, asked } = scripted([{ kind: 'allow-once' }, { kind: 'deny' }]);
    const { auth } = authorizer(prompter, { 'fs.read': ['~/Documents/**'] });
    expect(await auth.authorize({ ...read(doc('a.txt')), reason: 'count\nwords \u202eevil' })).toMatchObject({
      allow: true,
      via: 'prompt',
    });
    expect(await auth.authorize(read(doc('a.txt')))).toMatchObject({ allow: false, reason: 'denied' });
    expect(asked).toHaveLength(2);
    expect(asked[0]).toMatchObject({
      extensionId: 'acme.tool',
      extensionName: 'Tool',
      publisher: 'acme',
      capability: 'fs.read',
      target: '~/Documents/a.txt',
      declaredScope: ['~/Documents/**'],
      reason: 'count words evil',
    });
  });

  it('allow always for the folder covers other files in it and persists across restarts', async () => {
    const { prompter, asked } = scripted([{ kind: 'allow-always', scope: 'parent' }]);
    const { auth } = authorizer(prompter, { 'fs.read': ['~/Documents/**'] });
    expect((await auth.authorize(read(doc('a.txt')))).allow).toBe(true);
    expect((await auth.authorize(read(doc('b.txt')))).allow).toBe(true);
    expect(asked).toHaveLength(1);
    grants = createGrantStore(path.join(dir, 'grants.json')); // a restart reloads the file
    const again = authorizer(scripted([]).prompter, { 'fs.read': ['~/Documents/**'] });
    expect(await again.auth.authorize(read(doc('c.txt')))).toMatchObject({ allow: true, via: 'grant' });
    expect(again.auth.query('fs.read', doc('d.txt'))).toBe('granted');
  });

  it('a kind still being found (a promise) is waited for by a prompt: "this folder" of a directory is itself', async () => {
    const { prompter, asked } = scripted([{ kind: 'allow-always', scope: 'parent' }]);
    const { auth } = authorizer(prompter, { 'fs.read': ['~/Documents/**'] });
    const sub = doc('sub');
    const kind = new Promise<'directory'>((r) => setTimeout(() => r('directory'), 20));
    expect((await auth.authorize({ ...read(sub), kind })).allow).toBe(true);
    expect(asked[0]!.scopes.parent).toBe('~/Documents/sub/');
    expect(grants.list('acme.tool')).toMatchObject([{ scope: { kind: 'tree', value: sub } }]);
    // A stat that failed reads as a file: the folder is the one holding it.
    const other = authorizer(scripted([{ kind: 'allow-once' }]).prompter, { 'fs.read': ['~/Documents/**'] });
    const failed = Promise.reject(new Error('EIO'));
    failed.catch(() => {}); // handled here too: the broker waits for it only once it prompts
    expect((await other.auth.authorize({ ...read(doc('x.txt')), kind: failed })).allow).toBe(true);
  });

  it('a decision that needs no prompt never waits for the kind', async () => {
    const policy = parsePolicy({
      version: 1,
      allow: [{ capability: 'fs.read', extensions: ['acme.tool'], targets: ['~/Documents/**'] }],
    });
    if (!policy.ok) throw new Error(policy.errors.join('\n'));
    const { auth } = authorizer(scripted([]).prompter, { 'fs.read': ['~/Documents/**'] }, policy.policy);
    const never = new Promise<'file'>(() => {});
    expect(await auth.authorize({ ...read(doc('a.txt')), kind: never })).toMatchObject({ allow: true, via: 'policy' });
  });

  it('allow always for the item covers only that item', async () => {
    const { prompter, asked } = scripted([{ kind: 'allow-always', scope: 'item' }, { kind: 'deny' }]);
    const { auth } = authorizer(prompter, { 'fs.read': ['~/Documents/**'] });
    expect((await auth.authorize(read(doc('a.txt')))).allow).toBe(true);
    expect((await auth.authorize(read(doc('a.txt')))).allow).toBe(true);
    expect((await auth.authorize(read(doc('b.txt')))).allow).toBe(false);
    expect(asked).toHaveLength(2);
  });

  it('always deny is stored and wins without asking', async () => {
    const { prompter, asked } = scripted([{ kind: 'deny-always' }]);
    const { auth } = authorizer(prompter, { 'fs.read': ['~/Documents/**'] });
    expect(await auth.authorize(read(doc('a.txt')))).toMatchObject({ allow: false, reason: 'denied' });
    expect(await auth.authorize(read(doc('a.txt')))).toMatchObject({ allow: false, reason: 'denied', via: 'grant' });
    expect(asked).toHaveLength(1);
    expect(auth.query('fs.read', doc('a.txt'))).toBe('denied');
  });

  it('no answer in time is a denial with reason timeout', async () => {
    const { prompter } = scripted(['never']);
    const { auth } = authorizer(prompter, { 'fs.read': ['~/Documents/**'] }, EMPTY_POLICY, 100);
    expect(await auth.authorize(read(doc('a.txt')))).toMatchObject({ allow: false, reason: 'timeout' });
  });

  it('identical pending requests share one prompt; others wait their turn', async () => {
    const { prompter, asked } = scripted([{ kind: 'allow-once' }, { kind: 'deny' }]);
    const { auth } = authorizer(prompter, { 'fs.read': ['~/Documents/**'] });
    const [a, b, c] = await Promise.all([
      auth.authorize(read(doc('a.txt'))),
      auth.authorize(read(doc('a.txt'))),
      auth.authorize(read(doc('b.txt'))),
    ]);
    expect(a.allow && b.allow).toBe(true);
    expect(c.allow).toBe(false);
    expect(asked.map((r) => r.target)).toEqual(['~/Documents/a.txt', '~/Documents/b.txt']);
  });

  it('a revoked grant stops the very next operation', async () => {
    const { prompter } = scripted([{ kind: 'allow-always', scope: 'declared' }, { kind: 'deny' }]);
    const { auth } = authorizer(prompter, { 'fs.read': ['~/Documents/**'] });
    expect((await auth.authorize(read(doc('a.txt')))).allow).toBe(true);
    const [g] = grants.list('acme.tool');
    expect(g).toMatchObject({ effect: 'allow', scope: { kind: 'pattern', value: '~/Documents/**' } });
    expect(await grants.revoke({ id: g!.id })).toBe(1);
    expect(await auth.authorize(read(doc('a.txt')))).toMatchObject({ allow: false, via: 'prompt' });
  });

  it('policy beats stored grants and user answers, in both directions', async () => {
    const policy = parsePolicy({
      version: 1,
      forbid: [{ capability: 'fs.read', targets: ['~/Documents/sub/**'] }],
      allow: [{ capability: 'fs.read', publishers: ['acme'], targets: ['~/Documents/*.md'] }],
    });
    if (!policy.ok) throw new Error(policy.errors.join());
    await grants.add({
      extensionId: 'acme.tool',
      publisher: 'acme',
      capability: 'fs.read',
      effect: 'allow',
      scope: { kind: 'pattern', value: '~/Documents/**' },
    });
    const { prompter, asked } = scripted([{ kind: 'allow-once' }]);
    const { auth } = authorizer(prompter, { 'fs.read': ['~/Documents/**'] }, policy.policy);
    expect(await auth.authorize(read(doc('sub/x.txt')))).toMatchObject({ allow: false, reason: 'policy' });
    expect(await auth.authorize(read(doc('notes.md')))).toMatchObject({ allow: true, via: 'policy' });
    expect(asked).toHaveLength(0);
  });

  it('grants are bound to the publisher: the same id from another publisher inherits nothing', async () => {
    await grants.add({
      extensionId: 'acme.tool',
      publisher: 'other-key',
      capability: 'fs.read',
      effect: 'allow',
      scope: { kind: 'pattern', value: '~/Documents/**' },
    });
    const { prompter, asked } = scripted([{ kind: 'deny' }]);
    const { auth } = authorizer(prompter, { 'fs.read': ['~/Documents/**'] });
    expect((await auth.authorize(read(doc('a.txt')))).allow).toBe(false);
    expect(asked).toHaveLength(1);
  });

  it('the grant store says when its grants changed (the broker re-prepares stored patterns only then)', async () => {
    const r0 = grants.revision();
    const g = await grants.add({
      extensionId: 'acme.tool',
      publisher: 'acme',
      capability: 'fs.read',
      effect: 'allow',
      scope: { kind: 'pattern', value: `${home}/Documents/**` },
    });
    expect(grants.revision()).toBeGreaterThan(r0);
    const r1 = grants.revision();
    const { prompter, asked } = scripted([]);
    const { auth } = authorizer(prompter, { 'fs.read': ['~/Documents/**'] });
    expect(await auth.authorize(read(doc('a.txt')))).toMatchObject({ allow: true });
    expect(grants.revision()).toBe(r1); // deciding changes nothing
    await grants.revoke({ id: g.id });
    expect(grants.revision()).toBeGreaterThan(r1);
    expect(await auth.authorize(read(doc('a.txt')))).toMatchObject({ allow: false });
    expect(asked).toHaveLength(1);
  });

  it('a prompter that throws means deny', async () => {
    const { auth } = authorizer(
      { prompt: async () => Promise.reject(new Error('window closed')) },
      { 'fs.read': ['~/Documents/**'] },
    );
    expect(await auth.authorize(read(doc('a.txt')))).toMatchObject({ allow: false });
  });

  it('matches net patterns on scheme, host, port and path', async () => {
    const { prompter } = scripted(Array(6).fill({ kind: 'allow-once' }));
    const { auth } = authorizer(prompter, { net: ['https://api.example.com/v1/**', 'https://*.cdn.example.com/**'] });
    const net = (target: string) => auth.authorize({ capability: 'net', target: canonical(target, 'net') });
    expect((await net('https://api.example.com/v1/users')).allow).toBe(true);
    expect((await net('https://img.cdn.example.com/a.png')).allow).toBe(true);
    expect(await net('http://api.example.com/v1/users')).toMatchObject({ reason: 'undeclared' });
    expect(await net('https://api.example.com:8443/v1/users')).toMatchObject({ reason: 'undeclared' });
    expect(await net('https://api.example.com/v2/users')).toMatchObject({ reason: 'undeclared' });
    expect(await net('https://cdn.example.com/a.png')).toMatchObject({ reason: 'undeclared' });
    expect(await net('https://api.example.com.evil.test/v1/')).toMatchObject({ reason: 'undeclared' });
  });

  it('audits every decision', async () => {
    const { prompter } = scripted([{ kind: 'allow-once' }]);
    const { auth } = authorizer(prompter, { 'fs.read': ['~/Documents/**'] });
    await auth.authorize(read(doc('a.txt')));
    await auth.authorize(read('/etc/passwd'));
    expect(audit.read().map((r) => [r.kind, r.decision, r.via])).toEqual([
      ['decision', 'allow', 'prompt'],
      ['violation', 'deny', 'manifest'],
    ]);
  });
});

describe('scripted prompter', () => {
  it('matches rules against the canonical target, not the ~-abbreviated one shown to people', async () => {
    const { createScriptedPrompter, parseScriptedRule } = await import('../../electron/core/permissions/prompter');
    const { targetMatches } = await import('../../electron/core/permissions/patterns');
    const rule = parseScriptedRule('fs.read=~/Documents', 'allow')!;
    const prompter = createScriptedPrompter([rule], (cap, pattern, target) =>
      targetMatches(cap, pattern, target, home),
    );
    const { auth } = authorizer(prompter, { 'fs.read': ['~/Documents/**'] });
    expect(await auth.authorize(read(doc('a.txt')))).toMatchObject({ allow: true, via: 'prompt' });
    expect(await auth.authorize(read(path.join(home, 'Other', 'x')))).toMatchObject({
      allow: false,
      reason: 'undeclared',
    });
  });
});
