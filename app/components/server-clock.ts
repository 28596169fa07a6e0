"use client";

import { useEffect, useRef, useState, useSyncExternalStore } from "react";

/**
 * A reading of the server's clock (`serverTime`, epoch ms) and the browser's monotonic clock
 * (`performance.now()`) when it arrived. The server read its clock before the answer left, so
 * `serverTime + (performance.now() - receivedAt)` can only be behind the server's clock, never
 * ahead of it: a countdown may open a button one round trip late, never early.
 */
export type ServerTimeReading = { serverTime: number; receivedAt: number };

/**
 * The server's time (epoch ms) as this page knows it, for countdowns to a launch. It starts at the
 * page's render time, is carried forward by `performance.now()` and moves up to each newer
 * reading (the largest estimate is the tightest lower bound). The browser's wall clock
 * (`Date.now()`) is never read, so a shopper's wrong or changed clock changes nothing.
 *
 * Renders again at every whole second left before `target` and at `target` itself (a timer to
 * the exact millisecond, checked again when it fires); with no target, only when a reading comes.
 * Hydration renders `renderedAt`, exactly as the server did.
 */
export function useServerNow(renderedAt: number, target: number | null, reading?: ServerTimeReading): number {
  const [now, setNow] = useState(renderedAt);
  // Milliseconds to add to performance.now(); set once the page runs in a browser.
  const offset = useRef<number | null>(null);

  useEffect(() => {
    // The page took a while to arrive and hydrate, so this first estimate is behind, never ahead.
    offset.current ??= renderedAt - performance.now();
    if (reading) offset.current = Math.max(offset.current, reading.serverTime - reading.receivedAt);
    const base = offset.current;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      clearTimeout(timer);
      const t = performance.now() + base;
      setNow(t);
      if (target === null || t >= target) return;
      // Wake at the next whole second before the target; the last wake is the target itself.
      timer = setTimeout(tick, (target - t) % 1000 || 1000);
    };
    timer = setTimeout(tick, 0);
    // A hidden tab's timers are throttled: catch up the moment it is visible again.
    const onVisible = () => {
      if (document.visibilityState === "visible") tick();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [renderedAt, target, reading]);

  return now;
}

const noSubscription = () => () => {};

/** False while rendering on the server and hydrating, true afterwards: for what only the browser knows (its time zone). */
export const useInBrowser = () =>
  useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
