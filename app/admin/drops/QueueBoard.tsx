"use client";

import { clock } from "@/app/admin/ui/format";
import { useDropQueue, type QueueReading } from "./queries";
import { StatTiles } from "@/app/admin/ui/StatTiles";

const fixed = (n: number | null, digits = 1) => (n === null ? "–" : n.toLocaleString("en", { maximumFractionDigits: digits }));

function lineWords(q: QueueReading): string {
  const passes = `${q.passes.admitted} let in: ${q.passes.used} bought, ${q.passes.expired} expired, ${q.passes.live} holding a pass`;
  if (q.state === "closed") return `Closed at the sell-out${q.closedAt ? `, ${clock(Date.parse(q.closedAt))}` : ""}: nobody waits or is let in any more. ${passes}.`;
  if (q.state === "upcoming") return `Before the launch: ${q.prequeued} in the prequeue, shuffled once at the launch; ${q.admitPerSecond} let in per second after it.`;
  return `Open${q.openedAt ? ` since ${clock(Date.parse(q.openedAt))}` : ""}: serving ticket ${q.serving} of ${q.issued}. ${passes}.`;
}

/**
 * The drop's line beside its sales (lib/drops/queue.ts `queueBoard`): who waits, how fast they
 * are let in, what their passes did, how long they waited, and when the sell-out closed it.
 * Nothing when the SKU has no waiting room.
 */
export function QueueBoard({ skuId }: { skuId: number }) {
  const queue = useDropQueue(skuId);
  const q = queue.data;
  if (!q) {
    return queue.isError ? (
      <p className="alert error" role="alert">
        Could not load the waiting room: {queue.error.message}
      </p>
    ) : null;
  }
  const badge = q.state === "closed" ? "sold_out" : q.state === "open" ? "in_stock" : "upcoming";
  return (
    <section aria-labelledby="queue-heading" className="stack queue-board" data-testid="queue-board">
      <h3 id="queue-heading" className="row">
        Waiting room{" "}
        <span className={`badge ${badge}`} data-testid="queue-board-state">
          {q.state === "closed" ? "Closed at sell-out" : q.state === "open" ? "Open" : "Prequeue"}
        </span>
      </h3>
      <StatTiles
        stats={[
          // Once closed, everyone still in line has been told it sold out: nobody waits.
          { label: "Waiting", value: q.state === "closed" ? 0 : q.waiting, testId: "queue-board-waiting" },
          { label: "Let in / s", value: fixed(q.state === "open" ? q.admittedPerSecond : 0), note: `of ${q.admitPerSecond}`, testId: "queue-board-rate" },
          { label: "Passes live", value: q.passes.live, testId: "queue-board-live" },
          { label: "Passes used", value: q.passes.used, testId: "queue-board-used" },
          { label: "Passes expired", value: q.passes.expired, testId: "queue-board-expired" },
          { label: "Median wait", value: q.medianWaitSeconds === null ? "–" : `${fixed(q.medianWaitSeconds)} s`, testId: "queue-board-median" },
        ]}
      />
      <p data-testid="queue-board-summary" style={{ margin: 0 }}>
        {lineWords(q)}
      </p>
      {/* Said once, when it happens. */}
      <div role="status" className="visually-hidden">
        {q.state === "closed" ? "The waiting room closed at the sell-out." : ""}
      </div>
    </section>
  );
}
