/**
 * Stored answers ("allow always" / "always deny") per extension id and publisher, persisted
 * atomically. An extension with the same id from another publisher inherits nothing. Revoking
 * takes effect on the very next operation: decisions read the in-memory table, which changes
 * before the file is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { z } from 'zod';
import { lazySchema } from '../../common/lazy-schema';
import { CAPABILITIES, type Capability } from '../../common/protocol';
import { writeFileAtomic } from '../platform/atomic-write';
import { compileFsPattern, literalPrefix, matchCompiledFs, targetMatches } from './patterns';
import { isInside } from '../gateways/fs/containment';
import { parseStrictJson } from '../../common/strict-json';

/** What a stored answer covers: one target, everything below a folder or on a host, or a pattern. */
export const ScopeSchema = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('item'), value: z.string().max(8192) }),
    z.strictObject({ kind: z.literal('tree'), value: z.string().max(8192) }),
    z.strictObject({ kind: z.literal('pattern'), value: z.string().max(8192) }),
  ]),
);
export type Scope = z.infer<typeof ScopeSchema>;

export const GrantSchema = lazySchema(() =>
  z.strictObject({
    id: z.string().max(64),
    extensionId: z.string().max(128),
    publisher: z.string().max(128),
    capability: z.enum(CAPABILITIES),
    effect: z.enum(['allow', 'deny']),
    scope: ScopeSchema,
    /** Chosen by the user in a file picker: the choice is the grant, even beyond the manifest. */
    picked: z.boolean().optional(),
    createdAt: z.number(),
  }),
);
export type Grant = z.infer<typeof GrantSchema>;

const FileSchema = lazySchema(() => z.strictObject({ version: z.literal(1), grants: z.array(GrantSchema) }));

export interface GrantStore {
  /** The stored answer covering the target: a denial wins over an allowance. */
  find(extensionId: string, publisher: string, capability: Capability, target: string): Grant | undefined;
  add(grant: Omit<Grant, 'id' | 'createdAt'>): Promise<Grant>;
  list(extensionId?: string): Grant[];
  /** Goes up whenever the stored grants change (so callers can skip work for an unchanged set). */
  revision(): number;
  /** Revokes one grant by id, or every grant of an extension; returns how many were removed. */
  revoke(filter: { id?: string; extensionId?: string }): Promise<number>;
}

export function scopeCovers(scope: Scope, capability: Capability, target: string): boolean {
  switch (scope.kind) {
    case 'item':
      return scope.value === target;
    case 'tree':
      if (capability === 'net') {
        try {
          return new URL(target).origin === new URL(scope.value).origin;
        } catch {
          return false;
        }
      }
      return isInside(scope.value, target);
    case 'pattern':
      return targetMatches(capability, scope.value, target);
  }
}

/**
 * Grants of one extension+publisher+capability, indexed so a decision does not scan them all:
 * exact targets in a map, folder (or origin) grants in a map looked up by the target's ancestors,
 * patterns bucketed by their literal leading folders (or host). Rebuilt when grants change.
 */
interface Bucket {
  items: Map<string, Grant[]>;
  trees: Map<string, Grant[]>;
  patternsByPrefix: Map<string, Grant[]>;
  /** Patterns with no literal prefix (or net patterns with a wildcard host): always checked. */
  patternsAny: Grant[];
}

/** Compiled fs pattern segments per grant, so a decision never re-parses a stored pattern. */
const compiledScopes = new WeakMap<Grant, string[]>();

function covers(g: Grant, capability: Capability, target: string, targetSegs: string[] | undefined): boolean {
  if (g.scope.kind === 'pattern' && targetSegs) {
    let segs = compiledScopes.get(g);
    if (!segs) compiledScopes.set(g, (segs = compileFsPattern(g.scope.value)));
    return matchCompiledFs(segs, targetSegs);
  }
  return scopeCovers(g.scope, capability, target);
}

const push = (m: Map<string, Grant[]>, k: string, g: Grant) => {
  const list = m.get(k);
  if (list) list.push(g);
  else m.set(k, [g]);
};

function netHostOf(pattern: string): string | undefined {
  const m = /^https?:\/\/([^/:]+)/.exec(pattern);
  return m && !m[1]!.includes('*') ? m[1]!.toLowerCase() : undefined;
}

function buildIndex(grants: Grant[]): Map<string, Bucket> {
  const index = new Map<string, Bucket>();
  for (const g of grants) {
    const key = `${g.extensionId}\u0000${g.publisher}\u0000${g.capability}`;
    let b = index.get(key);
    if (!b) index.set(key, (b = { items: new Map(), trees: new Map(), patternsByPrefix: new Map(), patternsAny: [] }));
    if (g.scope.kind === 'item') push(b.items, g.scope.value, g);
    else if (g.scope.kind === 'tree') {
      let root = g.scope.value;
      if (g.capability === 'net') {
        try {
          root = new URL(root).origin;
        } catch {
          continue; // not a URL: covers nothing
        }
      }
      push(b.trees, root, g);
    } else if (g.capability === 'fs.read' || g.capability === 'fs.write') {
      const prefix = literalPrefix(compileFsPattern(g.scope.value));
      if (prefix === '/') b.patternsAny.push(g);
      else push(b.patternsByPrefix, prefix, g);
    } else if (g.capability === 'net') {
      const host = netHostOf(g.scope.value);
      if (host) push(b.patternsByPrefix, host, g);
      else b.patternsAny.push(g);
    } else b.patternsAny.push(g);
  }
  return index;
}

/** The keys under which a target's covering grants can be filed. */
function lookupKeys(capability: Capability, target: string): { trees: string[]; prefixes: string[] } {
  if (capability === 'net') {
    try {
      const url = new URL(target);
      return { trees: [url.origin], prefixes: [url.hostname.toLowerCase()] };
    } catch {
      return { trees: [], prefixes: [] };
    }
  }
  if (capability === 'fs.read' || capability === 'fs.write') {
    const ancestors = ['/'];
    let acc = '';
    for (const seg of target.split('/').filter(Boolean)) ancestors.push((acc += `/${seg}`));
    return { trees: ancestors, prefixes: ancestors };
  }
  return { trees: [], prefixes: [] };
}

export function createGrantStore(file: string): GrantStore {
  let grants: Grant[] = [];
  try {
    const parsed = FileSchema.safeParse(parseStrictJson(fs.readFileSync(file, 'utf8')));
    // A damaged grants file must not silently grant anything: start empty (deny by default).
    grants = parsed.success ? parsed.data.grants : [];
  } catch {
    grants = [];
  }
  let index = buildIndex(grants);
  // Lookups repeat (the same file read in a loop): cached, and the cache is dropped whenever the
  // grants change, so a revocation still applies to the very next operation.
  let cache = new Map<string, Grant | null>();
  let writing: Promise<void> = Promise.resolve();
  const persist = () => {
    const doc = JSON.stringify({ version: 1, grants }, null, 1);
    writing = writing
      .catch(() => {})
      .then(async () => {
        await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
        await writeFileAtomic(file, doc);
      });
    return writing;
  };
  // The in-memory table changes before the file is written: a revocation applies at once.
  let revision = 0;
  const replace = (next: Grant[]) => {
    revision++;
    grants = next;
    index = buildIndex(grants);
    cache = new Map();
  };

  return {
    find(extensionId, publisher, capability, target) {
      const key = `${extensionId}\u0000${publisher}\u0000${capability}`;
      const b = index.get(key);
      if (!b) return undefined;
      const cacheKey = `${key}\u0000${target}`;
      const cached = cache.get(cacheKey);
      if (cached !== undefined) return cached ?? undefined;
      const hits: Grant[] = [...(b.items.get(target) ?? [])];
      const keys = lookupKeys(capability, target);
      for (const k of keys.trees) hits.push(...(b.trees.get(k) ?? []));
      const candidates = [...b.patternsAny];
      for (const k of keys.prefixes) candidates.push(...(b.patternsByPrefix.get(k) ?? []));
      const targetSegs =
        capability === 'fs.read' || capability === 'fs.write' ? target.split('/').filter(Boolean) : undefined;
      for (const g of candidates) if (covers(g, capability, target, targetSegs)) hits.push(g);
      const found = hits.find((g) => g.effect === 'deny') ?? hits[0];
      if (cache.size > 10_000) cache.clear();
      cache.set(cacheKey, found ?? null);
      return found;
    },
    async add(input) {
      const grant: Grant = { ...input, id: crypto.randomBytes(6).toString('hex'), createdAt: Date.now() };
      replace([...grants.filter((g) => !sameScope(g, grant)), grant]);
      await persist();
      return grant;
    },
    revision: () => revision,
    list(extensionId) {
      return grants.filter((g) => extensionId === undefined || g.extensionId === extensionId);
    },
    async revoke(filter) {
      if (filter.id === undefined && filter.extensionId === undefined) return 0; // never "revoke all" by accident
      const before = grants.length;
      replace(
        grants.filter(
          (g) =>
            !(
              (filter.id === undefined || g.id === filter.id) &&
              (filter.extensionId === undefined || g.extensionId === filter.extensionId)
            ),
        ),
      );
      const removed = before - grants.length;
      if (removed > 0) await persist();
      return removed;
    },
  };
}

function sameScope(a: Grant, b: Grant): boolean {
  return (
    a.extensionId === b.extensionId &&
    a.publisher === b.publisher &&
    a.capability === b.capability &&
    a.scope.kind === b.scope.kind &&
    a.scope.value === b.scope.value
  );
}
