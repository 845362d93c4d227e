/**
 * The Node micro-benchmarks run the worker's code as the deploy builds it: bundled by esbuild
 * without `keepNames`. Under tsx every function is wrapped in `__name(…)` (esbuild's keepNames),
 * which the shipped script does not have (wrangler.toml `keep_names = false`) and which made the
 * page path 15–60 % slower in V8 than what ships. Dependencies stay external (loaded as published).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ROOT } from './build.ts';

/** Bundles `entry` (relative to the repository) and imports it. */
export async function importBuilt<T>(entry: string): Promise<T> {
  const dir = path.join(ROOT, 'node_modules', '.cache', 'tessera-bench');
  mkdirSync(dir, { recursive: true });
  const outfile = path.join(dir, `${path.basename(entry, '.ts')}.mjs`);
  await build({
    entryPoints: [path.join(ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    logLevel: 'error',
  });
  return (await import(`${pathToFileURL(outfile).href}?t=${Date.now()}`)) as T;
}

/**
 * A worker under bench/floor/ written in TypeScript (decided.ts, decided-twice.ts, origin.ts,
 * rewriter.ts), bundled for workerd the way wrangler bundles the visitor worker (esbuild,
 * minified, no keepNames); its path.
 */
export async function buildFloor(name: string): Promise<string> {
  const dir = path.join(ROOT, 'node_modules', '.cache', 'tessera-bench');
  mkdirSync(dir, { recursive: true });
  const outfile = path.join(dir, `floor-${name}.js`);
  await build({
    entryPoints: [path.join(ROOT, 'bench', 'floor', `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    logLevel: 'error',
  });
  return outfile;
}
