/** Words for scheduled launches, shared by the catalog, the product page and checkout. Pure. */

const pad = (n: number) => String(n).padStart(2, "0");

/** "0:04", "4:59", "1:02:03", "2 d 5 h": the time left on a product page's countdown (whole seconds, rounded up). */
export function timeLeft(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h}:${pad(m)}:${pad(s % 60)}`;
  return `${m}:${pad(s % 60)}`;
}

/** "42 s", "5 min", "2 h 5 min", "3 days": a short, rounded-up wait for badges and notes. */
export function waitWords(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.ceil(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} days`;
}

/** "Tue 1 Dec, 14:05" in the viewer's time zone, or in UTC (with "UTC") where that is unknown (server render). */
export function launchDate(iso: string, local: boolean): string {
  const text = new Intl.DateTimeFormat("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: local ? undefined : "UTC",
  }).format(new Date(iso));
  return local ? text : `${text} UTC`;
}
