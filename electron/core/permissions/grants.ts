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
import { CAPABILITIES, type Capability } from '../../common/protocol';
import { writeFileAtomic } from '../atomic-write';
import { isInsidePath, targetMatches } from './patterns';

/** What a stored answer covers: one target, everything below a folder or on a host, or a pattern. */
export const ScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('item'), value: z.string().max(8192) }),
  z.strictObject({ kind: z.literal('tree'), value: z.string().max(8192) }),
  z.strictObject({ kind: z.literal('pattern'), value: z.string().max(8192) }),
]);
export type Scope = z.infer<typeof ScopeSchema>;

export const GrantSchema = z.strictObject({
  id: z.string().max(64),
  extensionId: z.string().max(128),
  publisher: z.string().max(128),
  capability: z.enum(CAPABILITIES),
  effect: z.enum(['allow', 'deny']),
  scope: ScopeSchema,
  /** Chosen by the user in a file picker: the choice is the grant, even beyond the manifest. */
  picked: z.boolean().optional(),
  createdAt: z.number(),
});
export type Grant = z.infer<typeof GrantSchema>;

const FileSchema = z.strictObject({ version: z.literal(1), grants: z.array(GrantSchema) });

export interface GrantStore {
  /** The stored answer covering the target: a denial wins over an allowance. */
  find(extensionId: string, publisher: string, capability: Capability, target: string): Grant | undefined;
  add(grant: Omit<Grant, 'id' | 'createdAt'>): Promise<Grant>;
  list(extensionId?: string): Grant[];
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
      return isInsidePath(scope.value, target);
    case 'pattern':
      return targetMatches(capability, scope.value, target);
  }
}

export function createGrantStore(file: string): GrantStore {
  let grants: Grant[] = [];
  try {
    const parsed = FileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    // A damaged grants file must not silently grant anything: start empty (deny by default).
    grants = parsed.success ? parsed.data.grants : [];
  } catch {
    grants = [];
  }
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

  return {
    find(extensionId, publisher, capability, target) {
      const mine = grants.filter(
        (g) =>
          g.extensionId === extensionId &&
          g.publisher === publisher &&
          g.capability === capability &&
          scopeCovers(g.scope, capability, target),
      );
      return mine.find((g) => g.effect === 'deny') ?? mine[0];
    },
    async add(input) {
      const grant: Grant = { ...input, id: crypto.randomBytes(6).toString('hex'), createdAt: Date.now() };
      grants = [...grants.filter((g) => !sameScope(g, grant)), grant];
      await persist();
      return grant;
    },
    list(extensionId) {
      return grants.filter((g) => extensionId === undefined || g.extensionId === extensionId);
    },
    async revoke(filter) {
      if (filter.id === undefined && filter.extensionId === undefined) return 0; // never "revoke all" by accident
      const before = grants.length;
      grants = grants.filter(
        (g) =>
          !(
            (filter.id === undefined || g.id === filter.id) &&
            (filter.extensionId === undefined || g.extensionId === filter.extensionId)
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
