// Prompts come in the order the requests were made, even when the walk of the fs patterns that
// precedes each decision takes a different time for each request. Here the walks are made to end
// in reverse order (first request slowest): the broker must still ask about the first request
// first, and let an identical second request share its prompt. Before the walks were shared,
// whichever walk ended first went first (a flaky failure of broker.test.ts in CI).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

let walks = 0;
vi.mock('../../electron/core/permissions/patterns', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../electron/core/permissions/patterns')>();
  return {
    ...orig,
    // Each walk waits less than the one before it: without sharing, the last request wins the race.
    resolvePatternFolders: async (...args: Parameters<typeof orig.resolvePatternFolders>) => {
      const delay = Math.max(0, 60 - 20 * walks++);
      await new Promise((r) => setTimeout(r, delay));
      return orig.resolvePatternFolders(...args);
    },
  };
});

const { createBroker } = await import('../../electron/core/permissions/broker');
const { createGrantStore } = await import('../../electron/core/permissions/grants');
const { EMPTY_POLICY } = await import('../../electron/core/permissions/policy');
const { parseManifest } = await import('../../electron/common/manifest');
const { mintTarget } = await import('../../electron/core/gateways/mint');
import type { Prompter, PromptAnswer, PromptRequest } from '../../electron/core/permissions/prompter';

let dir: string;
let home: string;
beforeEach(() => {
  walks = 0;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-broker-order-'));
  home = path.join(dir, 'home');
  fs.mkdirSync(path.join(home, 'Documents'), { recursive: true });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('permission broker: prompt order', () => {
  it('asks in request order when the pattern walks end in reverse order', async () => {
    const asked: PromptRequest[] = [];
    const answers: PromptAnswer[] = [{ kind: 'allow-once' }, { kind: 'deny' }];
    const prompter: Prompter = {
      prompt(req) {
        asked.push(req);
        const a = answers.shift() ?? { kind: 'deny' };
        return new Promise((r) => setTimeout(() => r(a), 5));
      },
    };
    const parsed = parseManifest({
      id: 'acme.tool',
      name: 'Tool',
      version: '1.0.0',
      publisher: 'acme',
      engines: { warden: '^1.0.0' },
      permissions: { 'fs.read': ['~/Documents/**'] },
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const broker = createBroker({
      grants: createGrantStore(path.join(dir, 'grants.json')),
      policy: EMPTY_POLICY,
      prompter,
      homeDir: home,
      promptTimeoutMs: 2000,
    });
    const auth = broker.forExtension({ manifest: parsed.manifest });
    const doc = (name: string) => {
      const p = path.join(home, 'Documents', name);
      return { capability: 'fs.read' as const, target: mintTarget('fs', p, p).canonical };
    };
    const [a, b, c] = await Promise.all([
      auth.authorize(doc('a.txt')),
      auth.authorize(doc('a.txt')),
      auth.authorize(doc('b.txt')),
    ]);
    expect(asked.map((r) => r.target)).toEqual(['~/Documents/a.txt', '~/Documents/b.txt']);
    expect(a.allow && b.allow).toBe(true);
    expect(c.allow).toBe(false);
    expect(walks).toBe(1); // one walk shared by the three requests
  });
});
