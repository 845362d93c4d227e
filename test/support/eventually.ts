/** Polls until `check` returns a value (queues deliver asynchronously, batch timeout 2 s). */
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
