/**
 * `npm run typecheck`: the four `tsc --noEmit` programs (the workers and their tests, Node code,
 * the tracker, the console), two at a time — each is one core's work, and the machine has two.
 * `npm test` runs the same check beside the suite (scripts/test.ts).
 */
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'node_modules', '.bin');

/** The tsc programs (tsconfig files) checked; each includes what its code runs beside. */
export const TSC_PROJECTS = [
  'tsconfig.json',
  'tsconfig.node.json',
  'tsconfig.tracker.json',
  'tsconfig.console.json',
];

export interface Outcome {
  code: number;
  output: string;
  seconds: number;
}

/**
 * Runs a command from the repository root; its output streamed, or kept for the caller.
 * `priority` (a nice value, 0–19) makes it yield the CPU to everything else running.
 */
export function run(
  command: string,
  args: string[],
  stream: boolean,
  priority = 0,
): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: stream ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    });
    if (priority && child.pid !== undefined) {
      try {
        setPriority(child.pid, priority);
      } catch {
        // Not allowed here (some sandboxes): it runs at the normal priority, just as correctly.
      }
    }
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const done = (code: number) =>
      resolve({ code, output, seconds: (performance.now() - started) / 1000 });
    child.on('error', (error) => {
      output += `${command}: ${error.message}\n`;
      done(1);
    });
    child.on('close', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

/** Where each program's incremental state is kept: outside the tree, never committed. */
export const TSC_CACHE = path.join(ROOT, 'node_modules', '.cache', 'tessera-tsc');

/**
 * `tsc --noEmit` for one program, incremental: tsc keeps what it learned (each file's hash, its
 * diagnostics, the type information of its exports) in a build-info file and on the next run
 * checks again only the files that changed and those whose imports' types changed — a changed
 * tsconfig, TypeScript version or file in node_modules included. Errors are reported on every
 * run, cached or not. A fresh clone has no cache and checks everything, as before.
 */
export function tscArgs(project: string): string[] {
  const info = path.join(TSC_CACHE, project.replace(/\.json$/, '.tsbuildinfo'));
  return ['--noEmit', '-p', project, '--incremental', '--tsBuildInfoFile', info];
}

/**
 * Every program checked, two at a time; `output` holds the failing programs' errors. `priority`
 * as for `run`: `npm test` runs the check beside the suite at the lowest priority, so it takes
 * the CPU the suite leaves idle (its files mostly wait on workerd, wrangler and Chromium)
 * instead of slowing them.
 */
export async function typecheck(priority = 0): Promise<Outcome> {
  const started = performance.now();
  const queue = [...TSC_PROJECTS];
  const results: (Outcome & { project: string })[] = [];
  const lane = async () => {
    for (let project = queue.shift(); project; project = queue.shift())
      results.push({
        project,
        ...(await run(path.join(BIN, 'tsc'), tscArgs(project), false, priority)),
      });
  };
  await Promise.all([lane(), lane()]);
  const failed = results.filter((r) => r.code !== 0);
  return {
    code: failed.length ? 1 : 0,
    output: failed.map((r) => `tsc --noEmit -p ${r.project}:\n${r.output}`).join('\n'),
    seconds: (performance.now() - started) / 1000,
  };
}

/** The verdict line(s) both `npm run typecheck` and `npm test` print. */
export function report(outcome: Outcome, note = ''): void {
  if (outcome.code === 0)
    console.log(
      `type check: ${TSC_PROJECTS.length} programs clean (${outcome.seconds.toFixed(0)} s${note})`,
    );
  else console.error(`type check FAILED:\n${outcome.output}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outcome = await typecheck();
  report(outcome);
  process.exit(outcome.code);
}
