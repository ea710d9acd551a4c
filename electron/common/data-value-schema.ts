/** Zod schema for a data value: validates and yields the null-prototype copy. */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { copyDataValue, type DataValue } from './data-value';

export const DataValueSchema = lazySchema(() =>
  z.unknown().transform((v, ctx): DataValue => {
    const r = copyDataValue(v);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.problem });
    return z.NEVER;
  }),
);
