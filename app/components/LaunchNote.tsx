"use client";

import { LaunchTime } from "./LaunchTime";
import { waitWords } from "./launch";
import { useServerNow } from "./server-clock";

/** "Not on sale yet: it can be ordered in 3 min (Tue 1 Dec, 14:05)" on a checkout line, counted by the server's clock; "On sale now" once it is. */
export function LaunchNote({ startsAt, renderedAt }: { startsAt: string; renderedAt: number }) {
  const at = Date.parse(startsAt);
  const now = useServerNow(renderedAt, at);
  if (now >= at) return <span className="line-note" style={{ color: "var(--ok)" }}>On sale now: it can be ordered.</span>;
  return (
    <span className="line-note blocked">
      Not on sale yet: it can be ordered in {waitWords(at - now)} (<LaunchTime iso={startsAt} />).
    </span>
  );
}
