/**
 * Local bindings backed by the same persisted state `wrangler dev` uses, so what the CLI
 * writes with `--local` is what the dev server reads.
 */
import { WRANGLER_TOML } from './paths.ts';

type Proxy = { env: VisitorBindings; dispose(): Promise<void> };

/** Open proxies by state folder, while `keepLocalProxies()` is in force (else none are kept). */
let kept: Map<string, Promise<Proxy>> | undefined;

/**
 * For a process that runs many commands in a row (the CLI's tests run `tessera …` in-process):
 * each state folder's proxy — a workerd of its own, ~1 s of CPU to start — is opened once and
 * reused until the returned function closes them all. A single command never calls this.
 */
export function keepLocalProxies(): () => Promise<void> {
  kept ??= new Map();
  return async () => {
    const open = [...(kept?.values() ?? [])];
    kept = undefined;
    for (const proxy of open) await (await proxy.catch(() => undefined))?.dispose();
  };
}

/**
 * `TESSERA_LOCAL_STATE` points the CLI at another state folder (tests use a temporary one);
 * by default it is `.wrangler/state/v3`, shared with `wrangler dev`.
 */
export async function withLocalEnv<T>(work: (env: VisitorBindings) => Promise<T>): Promise<T> {
  const dir = process.env.TESSERA_LOCAL_STATE;
  const key = dir ?? '';
  const reused = kept?.get(key);
  if (reused) return work((await reused).env);
  const opening = openProxy(dir);
  if (kept) {
    kept.set(key, opening);
    opening.catch(() => kept?.delete(key)); // a failed start is tried again next time
    return work((await opening).env);
  }
  const proxy = await opening;
  try {
    return await work(proxy.env);
  } finally {
    await proxy.dispose();
  }
}

async function openProxy(dir: string | undefined): Promise<Proxy> {
  // Loaded on demand: wrangler is large, and most commands never touch local state.
  // Quiet: wrangler logs to stdout ("Using secrets defined in .dev.vars"), and our stdout is for
  // results scripts read (a version, a preview URL). Warnings and errors still show.
  process.env.WRANGLER_LOG ??= 'warn';
  const { getPlatformProxy } = await import('wrangler');
  return getPlatformProxy<VisitorBindings>({
    configPath: WRANGLER_TOML,
    persist: dir ? { path: dir } : true,
  });
}
