/**
 * Runs before every CLI test file (vitest.config.ts, `setupFiles`). The files share one Node
 * process (`isolate: false`), so each starts from the environment the first one saw: a variable a
 * command set on its way (`WRANGLER_LOG` by `withLocalEnv`, a token a test exported) does not
 * reach the next file, nor a subprocess it spawns.
 */
const store = globalThis as { tesseraInitialEnv?: Record<string, string | undefined> };
const initial = (store.tesseraInitialEnv ??= { ...process.env });
for (const key of Object.keys(process.env)) if (!(key in initial)) delete process.env[key];
Object.assign(process.env, initial);
