// Calls the HTTP API on this page's origin with the token and actor the server put in <head>.
// What it answers instead of a view is an ApiRequestFailed (errors.ts).

import { ApiRequestFailed } from './errors';

function meta(name: string): string | null {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? null;
}

const token = meta('cutover-token');
const actor = meta('cutover-actor');

/** False when the page was not served by Cutover's local server (no token to call the API with). */
export const configured = token !== null && token !== '';

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return {
    accept: 'application/json',
    authorization: `Bearer ${token ?? ''}`,
    ...(actor ? { 'x-cutover-actor': actor } : {}),
    ...extra,
  };
}

async function failure(response: Response): Promise<ApiRequestFailed> {
  let body: { error?: { code?: string; message?: string } } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // Not JSON: fall back to the status line below.
  }
  return new ApiRequestFailed(
    response.status,
    body.error?.code ?? `HTTP ${response.status}`,
    body.error?.message ?? response.statusText,
  );
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { ...init, cache: 'no-store' });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiRequestFailed(0, 'NetworkError', 'the local server did not answer; is it running?', {
      cause,
    });
  }
}

export type Conditional<T> = { changed: false } | { changed: true; data: T; etag: string | null };

/** GET with If-None-Match: `changed: false` on 304, so the caller keeps what it has. */
export async function getIfChanged<T>(
  path: string,
  etag: string | null,
  signal?: AbortSignal,
): Promise<Conditional<T>> {
  const response = await send(path, {
    headers: headers(etag === null ? {} : { 'if-none-match': etag }),
    ...(signal ? { signal } : {}),
  });
  if (response.status === 304) return { changed: false };
  if (!response.ok) throw await failure(response);
  return { changed: true, data: (await response.json()) as T, etag: response.headers.get('etag') };
}

/** POST a JSON body; resolves to the answer, rejects with ApiRequestFailed. */
export async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await send(path, {
    method: 'POST',
    headers: headers({ 'content-type': 'application/json' }),
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

/** A path segment, percent-encoded. */
export const seg = (value: string | number): string => encodeURIComponent(String(value));
