/** Test-only bindings (vitest.config.ts). */
import type { D1Migration } from 'cloudflare:test';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
