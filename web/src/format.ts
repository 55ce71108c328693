// Words for the dashboard: times and time left in plain language. A plan step's words, and an
// image's short form, are shared with the CLI (shared/domain/step-words.ts, image-words.ts).

/** Time left, to the second: 3552 → "59 min 12 s", 3600 → "1 h 0 min", 42 → "42 s". */
export function timeLeft(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (hours > 0) return `${hours} h ${minutes} min`;
  return minutes > 0 ? `${minutes} min ${s % 60} s` : `${s} s`;
}

/** A countdown: 75 → "1:15". */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A short date and time for tables: "Nov 27, 13:37:53". */
export function shortDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const day = date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return `${day}, ${date.toLocaleTimeString(undefined, { hour12: false })}`;
}

export function time(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { timeStyle: 'medium' });
}

export const statusWords: Record<string, string> = {
  starting: 'starting',
  running: 'running',
  promoted: 'promoted',
  'rolled-back': 'rolled back',
  aborted: 'aborted',
  refused: 'refused',
};
