/**
 * The local development secrets: `.dev.vars` (written from `.dev.vars.example` on first run).
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { DEV_VARS, DEV_VARS_EXAMPLE } from './paths.ts';
import { CliError } from './errors.ts';

/** Creates .dev.vars from the committed example when missing; returns true if it wrote it. */
export function ensureDevVars(): boolean {
  if (existsSync(DEV_VARS)) return false;
  copyFileSync(DEV_VARS_EXAMPLE, DEV_VARS);
  return true;
}

/** Parses a dotenv-style file: KEY=value per line, `#` comments, optional quotes. */
export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    let value = m[2] ?? '';
    if (
      (value.startsWith('"') && value.endsWith('"')) ||
      (value.startsWith("'") && value.endsWith("'"))
    ) {
      value = value.slice(1, -1);
    }
    vars[m[1]!] = value;
  }
  return vars;
}

export function devVars(): Record<string, string> {
  const file = existsSync(DEV_VARS) ? DEV_VARS : DEV_VARS_EXAMPLE;
  if (!existsSync(file))
    throw new CliError(
      'Neither .dev.vars nor .dev.vars.example exists; restore .dev.vars.example from git.',
    );
  return parseDevVars(readFileSync(file, 'utf8'));
}
