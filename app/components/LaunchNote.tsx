"use client";

import { LaunchTime } from "./LaunchTime";
import { waitWords } from "./launch";
import { useServerNow } from "./server-clock";

/** "On sale in 3 min (Tue 1 Dec, 14:05)" on a cart or checkout line, counted by the server's clock; "On sale now" once it is. */
export function LaunchNote({ startsAt, renderedAt }: { startsAt: string; renderedAt: number }) {
  const at = Date.parse(startsAt);
  const now = useServerNow(renderedAt, at);
  if (now >= at) return <span className="line-note" style={{ color: "var(--ok)" }}>On sale now.</span>;
  return (
    <span className="line-note blocked">
      On sale in {waitWords(at - now)} (<LaunchTime iso={startsAt} />) — it can be ordered from then.
    </span>
  );
}
