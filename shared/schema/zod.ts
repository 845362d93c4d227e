/**
 * The zod every schema in this project is written with: `zod/mini`, the tree-shakable build of
 * zod 4 (same validation and messages as classic zod, a third of the bytes in the worker: see
 * docs/performance.md). Import it as `import * as z from '…/schema/zod.ts'`.
 *
 * zod/mini loads no messages of its own; the English ones are installed here, once, so the CLI,
 * the admin API and the worker report the same precise issues as before.
 */
import * as z from 'zod/mini';
import { ZodMiniISODateTime, type iso } from 'zod/mini';
import { _isoDateTime } from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';

z.config(en());

export * from 'zod/mini';

/**
 * `z.iso.datetime(…)` without the rest of `z.iso` (date, time, duration): a namespace reached
 * through `z.iso` ships whole.
 */
export const isoDateTime = (params?: Parameters<typeof iso.datetime>[0]) =>
  _isoDateTime(ZodMiniISODateTime, params);
