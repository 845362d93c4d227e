/**
 * Runs a read under a deadline. Never throws: the caller gets the value, or why it has none.
 */
export type Outcome<T> =
  { ok: true; value: T } | { ok: false; cause: 'timeout' | 'error'; error?: unknown };

export async function withDeadline<T>(work: () => Promise<T>, ms: number): Promise<Outcome<T>> {
  let cancel = () => {};
  const timeout = new Promise<Outcome<T>>((resolve) => {
    const id = setTimeout(() => resolve({ ok: false, cause: 'timeout' }), ms);
    cancel = () => clearTimeout(id);
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
    cancel();
  }
}
