"use client";

import { launchDate } from "./launch";
import { useInBrowser } from "./server-clock";

/** A launch time in the viewer's time zone (UTC until the page runs in the browser, so hydration matches). */
export function LaunchTime({ iso }: { iso: string }) {
  const local = useInBrowser();
  return <time dateTime={iso}>{launchDate(iso, local)}</time>;
}
