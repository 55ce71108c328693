// What went wrong reading from the API, in words, kept next to the data it concerns.
import type { ApiRequestFailed } from '../errors';

export function Problem({ error, what }: { error: ApiRequestFailed | null; what: string }) {
  if (error === null) return null;
  return (
    <p class="problem" role="alert">
      Could not load {what}: {error.code}: {error.message}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return <p class="muted">Loading {what}…</p>;
}
