/**
 * Builds a worker exactly as a deploy would (`wrangler deploy --dry-run --outdir`) and reports
 * its size: raw and gzip as wrangler prints them, and our own gzip of the emitted script. The
 * visitor-facing worker (wrangler.toml) by default; the control plane with `control/wrangler.toml`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { sizeByPart, type Part } from './size.ts';

export interface ScriptSize {
  /** What `wrangler deploy --dry-run` printed as "Total Upload: … KiB / gzip: … KiB". */
  wranglerKiB?: number;
  wranglerGzipKiB?: number;
  /** The emitted index.js, in bytes. */
  rawBytes: number;
  /** gzip -9 of index.js, in bytes. */
  gzipBytes: number;
  /** What each part of the script costs (bench/size.ts), largest first. */
  parts: Part[];
}

export interface Build {
  dir: string;
  script: string;
  size: ScriptSize;
}

export const ROOT = path.resolve(import.meta.dirname, '..');

export const VISITOR_CONFIG = 'wrangler.toml';
export const CONTROL_CONFIG = 'control/wrangler.toml';

export function buildWorker(config: string = VISITOR_CONFIG): Build {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-bench-'));
  const wrangler = path.join(ROOT, 'node_modules', '.bin', 'wrangler');
  if (config === CONTROL_CONFIG) {
    // The control plane ships the marketer console: build it first (cli/lib/console-build.ts).
    const built = spawnSync(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['scripts/build-console.ts'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (built.status !== 0) throw new Error(`building the console failed:\n${built.stderr}`);
  }
  const run = spawnSync(wrangler, ['deploy', '--dry-run', '-c', config, '--outdir', dir], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
  });
  if (run.status !== 0)
    throw new Error(`wrangler deploy --dry-run -c ${config} failed:\n${run.stdout}\n${run.stderr}`);
  const script = path.join(dir, 'index.js');
  const bytes = readFileSync(script);
  const printed = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(
    run.stdout + run.stderr,
  );
  return {
    dir,
    script,
    size: {
      ...(printed ? { wranglerKiB: Number(printed[1]), wranglerGzipKiB: Number(printed[2]) } : {}),
      rawBytes: bytes.byteLength,
      gzipBytes: gzipSync(bytes, { level: 9 }).byteLength,
      parts: sizeByPart(script),
    },
  };
}
