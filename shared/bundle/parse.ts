/**
 * One entry point for turning untrusted JSON into a bundle body: schema, then integrity.
 * Used by the marketer CLI (`tessera validate`) and by the admin API, so both reject the same
 * things with the same messages.
 */
import { BundleBody } from '../schema/bundle.ts';
import { checkIntegrity } from './integrity.ts';
import { readableIssues, type Issue } from './issues.ts';

export type ParseResult = { ok: true; body: BundleBody } | { ok: false; issues: Issue[] };

export function parseBundleBody(input: unknown): ParseResult {
  const parsed = BundleBody.safeParse(input);
  if (!parsed.success) {
    return { ok: false, issues: readableIssues(parsed.error, input) };
  }
  const issues = checkIntegrity(parsed.data);
  return issues.length ? { ok: false, issues } : { ok: true, body: parsed.data };
}
