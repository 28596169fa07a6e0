"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { ApiError } from "@/app/api-client";
import { waitWords } from "@/app/components/launch";
import { useFollowLine, useJoinLine, useMyPlace, useQueueStatus } from "./waiting-room";

type Props = {
  skuId: number;
  /** null: a guest; undefined: not known yet. */
  signedIn: boolean | undefined;
  /** The live stock's word: no units left. */
  soldOut: boolean;
  /** The quantity and Add to cart, shown once the shopper is let in. */
  children: React.ReactNode;
};

/** "14:05" in the viewer's time zone, as the shop writes launch times (app/components/launch.ts). */
const clock = (iso: string) => new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" }).format(new Date(iso));

const turnIn = (seconds: number) => (seconds <= 1 ? "any second now" : `about ${waitWords(seconds * 1000)}`);

const people = (n: number) => (n === 1 ? "1 shopper" : `${n.toLocaleString("en")} shoppers`);

/**
 * A drop sold through a waiting room (docs/architecture.md, "The waiting room"): join the line
 * (a proof-of-work the browser solves first), then the place in line and the wait, read from the
 * shared status every second, then the buy form once let in, or the plain word that it sold out.
 */
export function WaitingRoom({ skuId, signedIn, soldOut, children }: Props) {
  const path = usePathname();
  const status = useQueueStatus(skuId, true);
  const me = useMyPlace(skuId, signedIn === true);
  useFollowLine(status.data, me);
  const { join, solving, host } = useJoinLine(skuId);
  const line = status.data;
  const place = me.data;
  const closed = line?.state === "closed" || soldOut;

  // What is said (a polite live region, read whole when it changes) and what can be done (outside it).
  let body: React.ReactNode;
  let action: React.ReactNode = null;
  let tone = "info";
  if (place?.state === "used") {
    tone = "success";
    body = (
      <p data-testid="queue-used">
        <strong>You bought it.</strong> Your pass bought its order; <Link href="/orders">see your orders</Link>.
      </p>
    );
  } else if (closed) {
    tone = "sold-out";
    body = (
      <p data-testid="queue-closed">
        <strong>Sold out — the line is closed.</strong> Every unit has gone; nobody else will be let in.
      </p>
    );
  } else if (!line || signedIn === undefined || (signedIn && !place)) {
    body = (
      <p className="muted" aria-busy="true" data-testid="queue-loading">
        Finding your place in line…
      </p>
    );
  } else if (place?.state === "admitted" && "passExpiresAt" in place) {
    tone = "success";
    body = (
      <p data-testid="queue-admitted">
        <strong>You&apos;re in — you have until {clock(place.passExpiresAt)}</strong> to check out.
      </p>
    );
    action = children;
  } else if (place?.state === "waiting" && place.ticket !== null) {
    const position = Math.max(1, place.ticket - line.serving);
    body = (
      <p data-testid="queue-waiting">
        <strong>
          You&apos;re number <span data-testid="queue-position">{position.toLocaleString("en")}</span> in line.
        </strong>{" "}
        Your turn comes in {turnIn(Math.ceil(position / line.admitPerSecond))}; keep this page open.
      </p>
    );
  } else if (place?.state === "prequeue") {
    body = (
      <p data-testid="queue-prequeue">
        <strong>You&apos;re in the line.</strong> Places are drawn at random at the launch, so there is no need to rush. {people(line.prequeued)} waiting so far.
      </p>
    );
  } else if (place?.state === "expired") {
    tone = "warning";
    body = (
      <p data-testid="queue-expired">
        <strong>Your turn passed.</strong> Your pass ran out before you checked out, and its place went to the next in line.
      </p>
    );
  } else {
    const waiting = line.state === "upcoming" ? line.prequeued : Math.max(0, line.issued - line.serving);
    const words = solving ? "Checking you're not a bot…" : join.isPending ? "Joining…" : "Join the line";
    body = (
      <p data-testid="queue-intro">
        <strong>This drop has a waiting room.</strong>{" "}
        {line.state === "upcoming"
          ? "Join before the launch and your place is drawn at random with everyone else who did."
          : `Join and you are let in in turn, ${people(line.admitPerSecond)} a second.`}
      </p>
    );
    // Not in the live region: a count that moves every second is not news to someone still deciding.
    action = (
      <>
        {waiting > 0 && <p data-testid="queue-count">{people(waiting)} in line now.</p>}
        {signedIn ? (
          <button type="button" className="btn buy-button" disabled={join.isPending} aria-busy={join.isPending || undefined} onClick={() => join.mutate()} data-testid="queue-join">
            {words}
          </button>
        ) : (
          <Link href={`/login?next=${encodeURIComponent(path)}`} className="btn buy-button" data-testid="queue-sign-in">
            Log in to join the line
          </Link>
        )}
        {solving && <p className="muted queue-hint">A short puzzle your browser works out, so bots pay for their place; nothing leaves this page.</p>}
      </>
    );
  }

  const error = join.error instanceof ApiError && join.error.code !== "SOLD_OUT" ? join.error.message : join.error ? "Something went wrong. Please try again." : null;
  return (
    <section className={`queue-panel ${tone}`} aria-label="Waiting room" data-testid="waiting-room">
      <div aria-live="polite" aria-atomic="true" className="queue-state">
        {body}
      </div>
      {action}
      {error && !closed && (
        <p className="alert error" role="alert" style={{ margin: 0 }}>
          {error}
        </p>
      )}
      <div ref={host} hidden />
    </section>
  );
}
