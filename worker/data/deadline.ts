/**
 * Runs a read under a deadline. Never throws: the caller gets the value, or why it has none.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; cause: 'timeout' | 'error'; error?: unknown };

export async function withDeadline<T>(work: () => Promise<T>, ms: number): Promise<Outcome<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, cause: 'timeout' }), ms);
  });
  const attempt = (async (): Promise<Outcome<T>> => {
    try {
      return { ok: true, value: await work() };
    } catch (error) {
      return { ok: false, cause: 'error', error };
    }
  })();
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
