/**
 * Runs before every CLI test file (vitest.config.ts, `setupFiles`). The files share one Node
 * process (`isolate: false`), so each starts from the environment the first one saw: a variable a
 * command set on its way (`WRANGLER_LOG` by `withLocalEnv`, a token a test exported) does not
 * reach the next file, nor a subprocess it spawns.
 *
 * Within a file, commands run in-process reuse one local proxy per state folder
 * (`keepLocalProxies`, cli/lib/local-env.ts: a workerd start saved per command); they close when
 * the file ends.
 */
import { afterAll } from 'vitest';
import { keepLocalProxies } from '../../cli/lib/local-env.ts';

const store = globalThis as { tesseraInitialEnv?: Record<string, string | undefined> };
const initial = (store.tesseraInitialEnv ??= { ...process.env });
for (const key of Object.keys(process.env)) if (!(key in initial)) delete process.env[key];
Object.assign(process.env, initial);

afterAll(keepLocalProxies());
