import type { z } from 'zod';
import { WardenError } from '../../common/errors';
import { formatIssues } from '../../common/schema-issues';

/** An optional options argument checked against its schema (absent means `{}`); EINVAL otherwise. */
export function parseOr<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new WardenError('EINVAL', `${what}: ${formatIssues(r.error, 1)[0]}`);
}
