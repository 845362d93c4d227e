/**
 * Validation problems in the one shape every JSON answer and the CLI use:
 * `{ path: "events.0.type", message, found? }` (shared/schema/api-error.ts). Pure.
 */
import { readableIssues, type Issue } from '../bundle/issues.ts';
import type { ApiIssue } from '../schema/api-error.ts';
import type * as z from '../schema/zod.ts';

/** `['slots', 2, 'variants', 0]` → `slots.2.variants.0`; the body itself is `""`. */
export const pathText = (path: readonly PropertyKey[]): string => path.map(String).join('.');

/** `slots.2.variants.0` → `['slots', 2, 'variants', 0]` (for naming elements by id again). */
export const pathKeys = (path: string): (string | number)[] =>
  path === '' ? [] : path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k));

export const toApiIssue = (issue: Issue): ApiIssue => ({
  path: pathText(issue.path),
  message: issue.message,
  ...(issue.found === undefined ? {} : { found: issue.found }),
});

/** zod's issues for `input`, as people can act on them (the closest union branch, what was found). */
export const apiIssues = (error: z.core.$ZodError, input: unknown): ApiIssue[] =>
  readableIssues(error, input).map(toApiIssue);

/** `events.0.type: expected …` for the first issue, to lead a message. */
export const firstIssue = (issues: readonly ApiIssue[]): string =>
  issues[0] ? `${issues[0].path || 'body'}: ${issues[0].message}` : 'invalid';
