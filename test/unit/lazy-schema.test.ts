import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { buildLazySchemas, buildSchemas, lazySchema } from '../../electron/common/lazy-schema';
import { ChildMessageSchema, HostMessageSchema } from '../../electron/common/protocol';
import { ManifestSchema } from '../../electron/common/manifest';

const point = () =>
  z.strictObject({ x: z.number().int(), y: z.number().int().max(10), label: z.string().min(1).optional() });

describe('lazySchema', () => {
  it('builds nothing at definition and the schema once, at its first use', () => {
    const build = vi.fn(point);
    const Point = lazySchema(build);
    expect(build).not.toHaveBeenCalled();
    expect(Point.parse({ x: 1, y: 2 })).toEqual({ x: 1, y: 2 });
    expect(Point.safeParse({ x: 1, y: 2 }).success).toBe(true);
    expect(Point.safeParse({ x: 'a' }).success).toBe(false);
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('stands for one and the same schema object every time', () => {
    const Point = lazySchema(point);
    const inner = Point._zod;
    expect(Point._zod).toBe(inner);
    expect(Point.shape).toBe(Point.shape);
    expect(Point).toBeInstanceOf(z.ZodObject);
    expect(Object.getPrototypeOf(Point)).toBe(Object.getPrototypeOf(point()));
    expect(Object.keys(Point)).toEqual(Object.keys(point()));
  });

  it('rejects what the eager schema rejects, with the same issues', () => {
    const Point = lazySchema(point);
    for (const bad of [{ x: 1.5, y: 2 }, { x: 1, y: 11 }, { x: 1, y: 2, label: '' }, { x: 1, y: 2, z: 3 }, null, 'p']) {
      const lazy = Point.safeParse(bad);
      const eager = point().safeParse(bad);
      expect(lazy.success).toBe(false);
      expect(lazy.error?.issues).toEqual(eager.error?.issues);
    }
    expect(() => Point.parse({ x: 1, y: 12 })).toThrow(z.ZodError);
  });

  it('composes: a lazy schema inside another, eager or lazy, validates as the eager one would', () => {
    const Point = lazySchema(point);
    const Line = lazySchema(() => z.strictObject({ from: Point, to: Point }));
    const EagerLine = z.array(Point).max(2);
    expect(Line.parse({ from: { x: 0, y: 0 }, to: { x: 1, y: 1 } })).toEqual({
      from: { x: 0, y: 0 },
      to: { x: 1, y: 1 },
    });
    expect(Line.safeParse({ from: { x: 0, y: 0 }, to: { x: 0, y: 99 } }).error?.issues[0]?.path).toEqual(['to', 'y']);
    expect(
      EagerLine.safeParse([
        { x: 0, y: 0 },
        { x: 'no', y: 0 },
      ]).success,
    ).toBe(false);
    const Tagged = lazySchema(() =>
      z.discriminatedUnion('t', [
        z.strictObject({ t: z.literal('a'), p: Point }),
        z.strictObject({ t: z.literal('b') }),
      ]),
    );
    expect(Tagged.safeParse({ t: 'a', p: { x: 1, y: 1 } }).success).toBe(true);
    expect(Tagged.safeParse({ t: 'c' }).success).toBe(false);
    // Methods that make a new schema keep working on the stand-in.
    expect(Point.extend({ z: z.number() }).parse({ x: 1, y: 1, z: 1 })).toEqual({ x: 1, y: 1, z: 1 });
    expect(Point.optional().parse(undefined)).toBeUndefined();
  });

  it('a factory that throws throws at the use, every time, and keeps nothing half-built', () => {
    let calls = 0;
    const Flaky = lazySchema(() => {
      if (++calls <= 2) throw new Error('bad schema');
      return z.string().max(3);
    });
    expect(() => Flaky.parse('x')).toThrow('bad schema');
    expect(() => Flaky.safeParse('x')).toThrow('bad schema');
    // A later use builds it afresh, and from then on it is the one schema.
    expect(Flaky.parse('abc')).toBe('abc');
    expect(Flaky.safeParse('abcd').success).toBe(false);
    expect(calls).toBe(3);
  });

  it('buildLazySchemas builds every schema not yet built, each once', () => {
    const build = vi.fn(point);
    const Point = lazySchema(build);
    buildLazySchemas();
    expect(build).toHaveBeenCalledTimes(1);
    Point.parse({ x: 1, y: 1 });
    buildLazySchemas();
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('buildSchemas builds the ones named, and no other', () => {
    const a = vi.fn(point);
    const b = vi.fn(point);
    const A = lazySchema(a);
    lazySchema(b);
    buildSchemas(A);
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).not.toHaveBeenCalled();
    A.parse({ x: 1, y: 1 });
    expect(a).toHaveBeenCalledTimes(1);
  });

  it('the contracts built lazily still refuse what they refused', () => {
    expect(HostMessageSchema.safeParse({ t: 'init', extra: 1 }).success).toBe(false);
    expect(HostMessageSchema.safeParse({ t: 'stop' }).success).toBe(true);
    expect(HostMessageSchema.safeParse({ t: 'stop', id: 1 }).success).toBe(false);
    expect(ChildMessageSchema.safeParse({ t: 'hello' }).success).toBe(true);
    expect(
      ChildMessageSchema.safeParse({ t: 'result', id: 1, ok: true, error: { code: 'EPERM', message: 'x' } }).success,
    ).toBe(false);
    expect(ManifestSchema.safeParse({}).success).toBe(false);
  });
});
