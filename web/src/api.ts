/**
 * Every data call of the pages: same origin, the bearer token from the sign-in page (sessionStorage only, so it
 * dies with the tab), and one error shape so each page can say what went wrong instead of going blank.
 */
const TOKEN_KEY = 'sanctions-ledger-token';

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function explain(status: number, body: unknown): string {
  const b = (body ?? {}) as { message?: string; parameter?: string; error?: string };
  const detail = b.message ?? b.error ?? `HTTP ${status}`;
  if (status === 401) return `Not signed in or the token is unknown or expired: ${detail}. Sign in again.`;
  if (status === 403) return `This needs a writer token: ${detail}`;
  if (status === 404) return `Not found: ${detail}`;
  return detail;
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  const t = token.get();
  if (t !== null) headers.set('authorization', `Bearer ${t}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError(0, 'The service cannot be reached: it may be down or restarting. Try again shortly.');
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = { message: `unexpected answer (HTTP ${response.status})` };
  }
  if (!response.ok) throw new ApiError(response.status, explain(response.status, body));
  return body as T;
}

/** `?a=1&b=2` from the fields that are set. */
export function query(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}

/** A datetime-local value (the browser's local time) as the ISO instant the service expects. */
export function instantOf(local: string): string | undefined {
  if (local === '') return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? local : date.toISOString();
}
