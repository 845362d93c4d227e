/**
 * What `tessera dev` prints: wrangler's own output, less the noise a machine without internet
 * produces (wrangler fetches the `Request.cf` placeholder from the network and prints a stack
 * trace when it cannot), then one line once the site answers.
 */

/** The one line printed once the site answers: where, and what to run next. */
export function readyLine(port: string, originPort: string): string {
  const url = `http://127.0.0.1:${port}`;
  const flag = port === '8787' ? '' : ` --port ${port}`;
  return [
    `ready: ${url} — the site, the admin API under /admin/, the demo origin on http://127.0.0.1:${originPort}`,
    `  next: open ${url}/ · npx tessera preview --page / --target local${flag} · npx tessera decide --as v-runner${flag} · npx tessera token admin --scope read · Ctrl-C stops`,
  ].join('\n');
}

/** Said once instead of wrangler's offline warning and its stack trace. */
export const OFFLINE_NOTE =
  'offline: wrangler could not fetch the Request.cf placeholder (no internet); pages work, `cf` holds placeholder values';

const OFFLINE_START = /Unable to fetch the `Request\.cf` object/;
/** The stack trace after it: the error line and its frames. */
const TRACE =
  /^(\s+at\s|\w*Error: .*(getaddrinfo|EAI_AGAIN|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|fetch failed))/;

/**
 * A line filter with memory: `next(line)` is the line to print (maybe changed), or undefined to
 * drop it. Only the offline warning and the stack trace right after it are dropped; every other
 * line — a real error and its stack included — passes through as wrangler wrote it.
 */
export function offlineFilter(): { next(line: string): string | undefined } {
  let inTrace = false;
  let told = false;
  return {
    next(line) {
      if (OFFLINE_START.test(line)) {
        inTrace = true;
        if (told) return undefined;
        told = true;
        return OFFLINE_NOTE;
      }
      if (inTrace && TRACE.test(line)) return undefined;
      inTrace = false;
      return line;
    },
  };
}
