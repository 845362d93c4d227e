/**
 * The shared demo site of the browser tests (test/support/browser-site.ts starts it in the
 * background): `await demoSite()` in a `beforeAll` gives its origin once it answers, or throws
 * why it could not start. Bounded: three minutes, then a clear error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { inject } from 'vitest';

const WAIT_MS = 180_000;

export async function demoSite(): Promise<string> {
  const status = inject('siteStatus');
  for (const until = Date.now() + WAIT_MS; Date.now() < until;) {
    if (existsSync(status)) {
      const [state, ...rest] = readFileSync(status, 'utf8').split(' ');
      if (state === 'ready') return rest.join(' ');
      throw new Error(`browser tests: the demo site did not start: ${rest.join(' ')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`browser tests: the demo site was not ready within ${WAIT_MS / 1000} s`);
}
