// Time formatting that renders the same on the server and in the browser:
// ages are computed against a `now` the loader sends, never the client's clock,
// so hydration never disagrees.

export function formatAge(from: string | Date, now: number): string {
  const seconds = Math.max(0, Math.round((now - new Date(from).getTime()) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${seconds % 60} s`;
}

/** UTC wall-clock time, e.g. "14:03:27", identical on server and client. */
export function formatClock(at: string | Date): string {
  return new Date(at).toISOString().slice(11, 19);
}

/** UTC date and time, e.g. "2026-11-23 14:03 UTC". */
export function formatDateTime(at: string | Date): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
