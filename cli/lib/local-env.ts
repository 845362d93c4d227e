/**
 * Local bindings backed by the same persisted state `wrangler dev` uses, so what the CLI
 * writes with `--local` is what the dev server reads.
 */
import { getPlatformProxy } from 'wrangler';
import type { Env } from '../../worker/env.ts';
import { WRANGLER_TOML } from './paths.ts';

export async function withLocalEnv<T>(work: (env: Env) => Promise<T>): Promise<T> {
  const proxy = await getPlatformProxy<Env>({ configPath: WRANGLER_TOML, persist: true });
  try {
    return await work(proxy.env);
  } finally {
    await proxy.dispose();
  }
}
