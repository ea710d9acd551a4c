/**
 * Imported first by main.tsx. zod compiles fast object parsers with `new Function` unless told
 * not to, and decides when each schema is built; the renderer's CSP has no 'unsafe-eval', so the
 * probe alone would log a CSP violation. This must run before any schema module is evaluated.
 */
import { z } from 'zod';

z.config({ jitless: true });
