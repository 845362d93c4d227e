/**
 * `npm test`: the type check and the whole vitest suite, side by side.
 *
 * Why side by side: the type check (four `tsc` programs, ≈ 45 s of one core) and the suite
 * (mostly waiting on workerd, wrangler dev and Chromium, which are processes of their own) each
 * leave most of a 2-core machine idle. Run one after the other they cost their sum; together,
 * little more than the suite. The suite's output streams as it runs; the type check's is printed
 * after it, with its verdict. The exit status fails when either fails.
 *
 *   npm test                               type check + every project
 *   npm test -- --project worker [files]   type check + what vitest is given
 *   npm test -- --no-typecheck [...]       the suite alone (vitest's arguments follow)
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');

/** The tsc programs (tsconfig files) `npm run typecheck` checks, in the same order. */
export const TSC_PROJECTS = [
  'tsconfig.json',
  'tsconfig.node.json',
  'tsconfig.tracker.json',
  'tsconfig.console.json',
];

interface Outcome {
  code: number;
  output: string;
  seconds: number;
}

function run(command: string, args: string[], stream: boolean): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: stream ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    });
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

/** Two programs at a time: the suite takes the rest of the machine. */
async function typecheck(): Promise<Outcome> {
  const started = performance.now();
  const queue = [...TSC_PROJECTS];
  const results: (Outcome & { project: string })[] = [];
  const lane = async () => {
    for (let project = queue.shift(); project; project = queue.shift())
      results.push({
        project,
        ...(await run(path.join(BIN, 'tsc'), ['--noEmit', '-p', project], false)),
      });
  };
  await Promise.all([lane(), lane()]);
  const failed = results.filter((r) => r.code !== 0);
  return {
    code: failed.length ? 1 : 0,
    output: failed.map((r) => `tsc -p ${r.project}:\n${r.output}`).join('\n'),
    seconds: (performance.now() - started) / 1000,
  };
}

const args = process.argv.slice(2);
const skipTypecheck = args.includes('--no-typecheck');
const vitestArgs = args.filter((a) => a !== '--no-typecheck');

const [types, suite] = await Promise.all([
  skipTypecheck ? undefined : typecheck(),
  run(path.join(BIN, 'vitest'), ['run', ...vitestArgs], true),
]);

if (types) {
  if (types.code === 0)
    console.log(
      `type check: ${TSC_PROJECTS.length} programs clean (${types.seconds.toFixed(0)} s, beside the suite)`,
    );
  else console.error(`type check FAILED (tsc --noEmit):\n${types.output}`);
}
process.exit(types?.code || suite.code);
