/**
 * A zod schema built on its first use instead of when its module loads. Building the core's
 * schemas at load was ~a third of a one-shot `warden run`'s host start, for contracts most runs
 * never parse (bridge, packages, every message kind but a few). The value stands for the schema
 * itself (same type, same methods, same errors: `z.infer<typeof X>` and composition unchanged);
 * the first property read builds it, once, and every read after goes to that one object. A
 * factory that throws throws at that use, and again at the next (nothing half-built is kept).
 *
 * The receiving side still validates every message: only when the schema object comes into
 * being changes. A start-up snapshot (or anything that wants it all built up front) calls
 * `buildLazySchemas()`.
 */
import type { z } from 'zod';

const unbuilt = new Set<() => unknown>();

export function lazySchema<T extends z.ZodType>(build: () => T): T {
  let schema: T | undefined;
  const get = (): T => {
    if (schema === undefined) {
      schema = build();
      unbuilt.delete(get);
    }
    return schema;
  };
  unbuilt.add(get);
  // The target is only a stand-in: every trap answers from the built schema. Getters run with
  // the schema as `this` (Reflect.get's receiver defaults to it), so zod's lazy fields land there.
  return new Proxy({} as T, {
    get: (_t, key) => Reflect.get(get(), key),
    set: (_t, key, value) => Reflect.set(get(), key, value),
    has: (_t, key) => Reflect.has(get(), key),
    deleteProperty: (_t, key) => Reflect.deleteProperty(get(), key),
    defineProperty: (_t, key, desc) => Reflect.defineProperty(get(), key, desc),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_t, key) => {
      const d = Reflect.getOwnPropertyDescriptor(get(), key);
      // A proxy may not report a property the stand-in lacks as non-configurable.
      return d && { ...d, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(get()),
  });
}

/** Builds every lazy schema not yet built (a start-up snapshot takes them all in its heap). */
export function buildLazySchemas(): void {
  for (const get of [...unbuilt]) get();
}

/** Builds these schemas now (a host with time to spare before the messages they check arrive). */
export function buildSchemas(...schemas: z.ZodType[]): void {
  for (const s of schemas) void s._zod;
}
