/**
 * `npx tsx bench/micro-only.ts profile context …`: only the named operations of the workerd
 * micro-benchmarks (bench/workerd-micro.ts), for iterating on one of them (≈ 20 s each).
 */
import { runWorkerdMicro } from './workerd-micro.ts';

const ops = process.argv.slice(2);
const out = await runWorkerdMicro((l) => console.error(l), false, ops.length ? ops : undefined);
console.table(out);
