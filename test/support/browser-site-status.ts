/**
 * How a site started in the background by a globalSetup (test/support/browser-site.ts) tells the
 * test files it is up: a status file, `ready <what>` or `failed <why>`, written whole (a temporary
 * name, then renamed) so a file polling for it never reads it half-written.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export function writeStatus(file: string, text: string): void {
  writeFileSync(`${file}.partial`, text);
  renameSync(`${file}.partial`, file);
}

/** What follows `ready` once the status says so; throws `failed`'s reason, or after `waitMs`. */
export async function awaitStatus(file: string, site: string, waitMs: number): Promise<string> {
  for (const until = Date.now() + waitMs; Date.now() < until;) {
    if (existsSync(file)) {
      const [state, ...rest] = readFileSync(file, 'utf8').split(' ');
      if (state === 'ready') return rest.join(' ');
      throw new Error(`browser tests: ${site} did not start: ${rest.join(' ')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`browser tests: ${site} was not ready within ${waitMs / 1000} s`);
}
