"use client";

import Link from "next/link";
import { useEffect, useSyncExternalStore } from "react";
import { logoutAction } from "@/app/session/actions";
import { SubmitButton } from "@/app/components/SubmitButton";
import { useMe } from "@/app/session/queries";
import { parseWho, whoValue, WHO_COOKIE, type Who } from "@/lib/auth/who";

// The display cookie (lib/auth/who.ts) as a store: read on the client, absent on the server.
const listeners = new Set<() => void>();
const readCookie = () => document.cookie.split("; ").find((c) => c.startsWith(`${WHO_COOKIE}=`))?.slice(WHO_COOKIE.length + 1) ?? "";
const subscribe = (notify: () => void) => {
  listeners.add(notify);
  return () => listeners.delete(notify);
};

/** Keeps the cookie and <html>'s marks (which globals.css shows the links by) in line with what the server said. */
function remember(who: Who | null) {
  const root = document.documentElement;
  if (who) {
    document.cookie = `${WHO_COOKIE}=${whoValue(who)}; path=/; max-age=${30 * 86_400}; samesite=lax`;
    root.setAttribute("data-who", who.role);
    root.setAttribute("data-who-name", who.username);
  } else {
    document.cookie = `${WHO_COOKIE}=; path=/; max-age=0; samesite=lax`;
    root.removeAttribute("data-who");
    root.removeAttribute("data-who-name");
  }
  for (const notify of listeners) notify();
}

/**
 * The header's links that depend on who is signed in. Both sets are in every page's HTML (public
 * pages are cached for everyone); the layout's inline script marks <html> from the display
 * cookie before the first paint, so CSS shows the right set at once and the name is already
 * written. Once the server answers /api/me, a cookie that no longer matches (a session that
 * expired, one from before the cookie existed) is put right.
 */
export function HeaderAccount() {
  const who = parseWho(useSyncExternalStore(subscribe, readCookie, () => ""));
  const me = useMe();
  const user = me.data;
  useEffect(() => {
    if (user === undefined) return;
    const told = user && { username: user.username, role: user.role };
    const shown = parseWho(readCookie());
    if (told?.username !== shown?.username || told?.role !== shown?.role) remember(told);
  }, [user]);
  return (
    <>
      <span className="account if-guest">
        <Link href="/login">Log in</Link>
        <Link href="/register" className="btn small">
          Register
        </Link>
      </span>
      <span className="account if-user">
        <Link href="/orders">Orders</Link>
        <Link href="/admin" className="if-admin">
          Admin
        </Link>
        <span className="user-chip" data-testid="current-user">
          Signed in as{" "}
          {/* Written by the layout's script before React runs; React then writes the same name. */}
          <strong id="who-name" suppressHydrationWarning>
            {who?.username ?? ""}
          </strong>
        </span>
        <form
          action={async () => {
            await logoutAction();
            // A whole page load, as after logging in: nothing of the shopper's stays in this tab.
            // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- intended: see above
            window.location.assign("/");
          }}
        >
          <SubmitButton className="btn secondary small" pendingLabel="Logging out…">
            Log out
          </SubmitButton>
        </form>
      </span>
    </>
  );
}
