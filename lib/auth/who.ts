import type { Role } from "@/db/schema";

/**
 * Who is signed in, for display only: a cookie the browser can read (not HttpOnly), written
 * beside the session cookie at login and registration and cleared at logout. Public pages are
 * cached and shared by everyone, so their HTML cannot name the shopper; a tiny inline script
 * (WHO_SCRIPT, in the layout's head) reads this cookie before the first paint and the header
 * shows the right links at once. The server never trusts it: access is decided by the session.
 * Pure, so the header's client code reads it too.
 */
export const WHO_COOKIE = "stockroom_who";
export type Who = { username: string; role: Role };

export const whoValue = (u: Who) => `${u.role}.${u.username}`;

// Usernames are letters, digits, _ . - (lib/auth/schemas.ts): safe in a cookie and in this pattern as they are.
const WHO = /^(admin|shopper)\.([A-Za-z0-9_.-]{1,64})$/;

export function parseWho(value: string | undefined | null): Who | null {
  const m = WHO.exec(value ?? "");
  return m ? { role: m[1] as Role, username: m[2]! } : null;
}

export const whoCookieOptions = (expires: Date) => ({ httpOnly: false, sameSite: "lax" as const, path: "/", expires });

/**
 * Run before the body is parsed: marks <html> with the role and name from the cookie, which
 * globals.css uses to show the signed-in or the guest links; WHO_NAME_SCRIPT, right after the
 * header, writes the name into it. Both before any of the page's JavaScript has loaded.
 */
export const WHO_SCRIPT = `(function(){try{var m=/(?:^|; )${WHO_COOKIE}=(admin|shopper)\\.([A-Za-z0-9_.-]{1,64})(?:;|$)/.exec(document.cookie);if(m){var d=document.documentElement;d.setAttribute("data-who",m[1]);d.setAttribute("data-who-name",m[2]);}}catch(e){}})();`;
export const WHO_NAME_SCRIPT = `(function(){var n=document.documentElement.getAttribute("data-who-name"),e=document.getElementById("who-name");if(n&&e)e.textContent=n;})();`;
