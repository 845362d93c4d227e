/**
 * `npm test`: the type check and the whole vitest suite, side by side.
 *
 * Why side by side: the type check (four `tsc` programs, scripts/typecheck.ts) and the suite
 * (mostly waiting on workerd, wrangler dev and Chromium, which are processes of their own) each
 * leave much of a 2-core machine idle. Run one after the other they cost their sum; together,
 * little more than the suite. The suite's output streams as it runs; the type check's verdict is
 * printed after it. The exit status fails when either fails.
 *
 *   npm test                               type check + every project
 *   npm test -- --project worker [files]   type check + what vitest is given
 *   npm test -- --no-typecheck [...]       the suite alone (vitest's arguments follow)
 */
import path from 'node:path';
import { BIN, report, run, typecheck } from './typecheck.ts';

const args = process.argv.slice(2);
const skipTypecheck = args.includes('--no-typecheck');
const vitestArgs = args.filter((a) => a !== '--no-typecheck');

const [types, suite] = await Promise.all([
  skipTypecheck ? undefined : typecheck(19),
  run(path.join(BIN, 'vitest'), ['run', ...vitestArgs], true),
]);

if (types) report(types, ', beside the suite');
process.exit(types?.code || suite.code);
