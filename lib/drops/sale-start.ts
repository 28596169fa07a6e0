import { AppError } from "@/lib/errors";

/**
 * Scheduled launches. The server's clock decides, at the moment a checkout is committed: a
 * request 1 ms before `saleStartsAt` is refused, one at or after it is served. Pure, so pages
 * use the same rule for their countdowns (with the server's time, never the browser's).
 */
export const hasStarted = (saleStartsAt: Date | string | null | undefined, now: number) => !saleStartsAt || new Date(saleStartsAt).getTime() <= now;

export type NotStartedLine = { skuId: number; name: string; startsAt: string };

/** "1 Dec 2026, 14:05 UTC": a launch time readable in an API message; pages show it in the shopper's time zone. */
const launchTime = (at: Date) =>
  new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(at) + " UTC";

export function saleNotStartedError(lines: NotStartedLine[]): AppError {
  const message = lines.map((l) => `${l.name} goes on sale at ${launchTime(new Date(l.startsAt))}.`).join(" ");
  return new AppError("SALE_NOT_STARTED", { message, details: { lines } });
}
