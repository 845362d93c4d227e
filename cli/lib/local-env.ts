/**
 * Local bindings backed by the same persisted state `wrangler dev` uses, so what the CLI
 * writes with `--local` is what the dev server reads.
 */
import { WRANGLER_TOML } from './paths.ts';

/**
 * `TESSERA_LOCAL_STATE` points the CLI at another state folder (tests use a temporary one);
 * by default it is `.wrangler/state/v3`, shared with `wrangler dev`.
 */
export async function withLocalEnv<T>(work: (env: VisitorBindings) => Promise<T>): Promise<T> {
  const dir = process.env.TESSERA_LOCAL_STATE;
  // Loaded on demand: wrangler is large, and most commands never touch local state.
  // Quiet: wrangler logs to stdout ("Using secrets defined in .dev.vars"), and our stdout is for
  // results scripts read (a version, a preview URL). Warnings and errors still show.
  process.env.WRANGLER_LOG ??= 'warn';
  const { getPlatformProxy } = await import('wrangler');
  const proxy = await getPlatformProxy<VisitorBindings>({
    configPath: WRANGLER_TOML,
    persist: dir ? { path: dir } : true,
  });
  try {
    return await work(proxy.env);
  } finally {
    await proxy.dispose();
  }
}
