/**
 * Two ways to run the `tessera` command line in a test:
 *
 * - `runCli(args, env)` runs it in this process — the same `main` the binary runs, with its
 *   stdout, stderr and exit code captured — in milliseconds. Use it unless the test is about the
 *   process itself.
 * - `tessera(args, env)` runs the real binary as a subprocess, as a developer would: Node, tsx and
 *   the whole CLI start each time (about a second of CPU). Keep it for the few tests that prove
 *   the binary works end to end.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import { main } from '../../cli/main.ts';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'cli', 'tessera.mjs');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function tessera(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `tessera <args>` in this process, with `env` set for the call (restored after) and what it
 * prints captured line by line as the binary would print it. Calls must not overlap (tests in a
 * file run one at a time).
 */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const { log, info, warn, error } = console;
  let stdout = '';
  let stderr = '';
  const out = (...a: unknown[]) => void (stdout += `${format(...a)}\n`);
  const err = (...a: unknown[]) => void (stderr += `${format(...a)}\n`);
  Object.assign(console, { log: out, info: out, warn: err, error: err });
  Object.assign(process.env, env);
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    Object.assign(console, { log, info, warn, error });
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export const tempDir = (prefix: string) => mkdtempSync(path.join(tmpdir(), `tessera-${prefix}-`));
