/**
 * Polls until `check` returns a value. For flows that are about the real queues (they deliver
 * asynchronously, at once in tests: vitest.config.ts); to test a consumer, hand it a batch
 * instead (test/support/queues.ts, `deliver`).
 */
export async function eventually<T>(
  check: () => Promise<T | null | undefined>,
  timeoutMs = 12_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
