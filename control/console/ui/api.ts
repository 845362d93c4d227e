/**
 * The console's one way to call the control plane: the bearer token from sessionStorage (never a
 * cookie), JSON in and out, and every error as an ApiFailure carrying the one error body
 * (docs/errors.md) so each screen can say what went wrong and what to do.
 */
const TOKEN_KEY = 'tessera.console.token';

export interface ApiIssue {
  path: string;
  message: string;
  found?: string;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ApiIssue[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const token = tokenStore.get();
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'omit',
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiFailure(0, 'offline', `the control plane did not answer (${String(error)})`);
  }
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => ({}))) as {
    error?: { code?: string; message?: string; issues?: ApiIssue[] } & Record<string, unknown>;
  };
  if (!res.ok) {
    const e = json.error ?? {};
    const { code, message, issues, ...details } = e;
    throw new ApiFailure(
      res.status,
      code ?? 'error',
      message ?? `${res.status} ${res.statusText}`,
      issues ?? [],
      details,
    );
  }
  return json as T;
}

export const errorText = (error: unknown): string =>
  error instanceof ApiFailure
    ? error.message
    : error instanceof Error
      ? error.message
      : String(error);
