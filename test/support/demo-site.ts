/**
 * The shared demo site of the browser tests (test/support/browser-site.ts starts it in the
 * background): `await demoSite()` in a `beforeAll` gives its origin once it answers, or throws
 * why it could not start. Bounded: three minutes, then a clear error.
 */
import { inject } from 'vitest';
import { awaitStatus } from './browser-site-status.ts';

const WAIT_MS = 180_000;

export function demoSite(): Promise<string> {
  return awaitStatus(inject('siteStatus'), 'the demo site', WAIT_MS);
}
