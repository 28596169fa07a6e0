/**
 * The console's launch-time fields are `datetime-local` inputs, read and written in the admin's
 * own time zone; the server gets ISO 8601 with the offset, so it never guesses a zone.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** An ISO instant as a datetime-local value in the admin's time zone ("2026-12-24T18:00", seconds if any). */
export function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.getSeconds() || d.getMilliseconds() ? `${base}:${pad(d.getSeconds())}` : base;
}

/** A datetime-local value, read in the admin's time zone, as ISO 8601 with their offset ("2026-12-24T18:00:00+01:00"). */
export function fromLocalInput(value: string): string {
  const d = new Date(value);
  // Not a date (an old browser's free text): send it as typed, and the server says what is wrong.
  if (!value || Number.isNaN(d.getTime())) return value;
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? "-" : "+";
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}${zone}`;
}
