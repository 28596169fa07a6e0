import { STATUS_LABEL } from "@/app/components/order-status";
import type { TimelineEvent } from "@/lib/admin/order-detail";

const WHO = { shopper: "the shopper", admin: "an admin", system: "the shop (automatic)" } as const;

const when = (iso: string) => `${iso.replace("T", " ").slice(0, 19)} UTC`;

/** Every status the order took, oldest first: when, what, who, and why when there is more to say. */
export function Timeline({ events, createdAt }: { events: TimelineEvent[]; createdAt: string }) {
  if (events.length === 0) {
    // Orders placed before the timeline existed have no events: their placing is all that is known.
    return (
      <ol className="timeline">
        <li>
          <time dateTime={createdAt}>{when(createdAt)}</time>
          Placed (no earlier history recorded)
        </li>
      </ol>
    );
  }
  return (
    <ol className="timeline" aria-label="Status changes">
      {events.map((e, i) => (
        <li key={i}>
          <time dateTime={e.at}>{when(e.at)}</time>
          <strong>{i === 0 ? `Placed · ${STATUS_LABEL[e.status]}` : STATUS_LABEL[e.status]}</strong> by {e.by.username ? `${e.by.username} (${e.by.kind})` : WHO[e.by.kind]}
          {e.note && <span className="muted"> · {e.note}</span>}
        </li>
      ))}
    </ol>
  );
}
