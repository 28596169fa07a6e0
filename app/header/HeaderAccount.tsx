"use client";

import Link from "next/link";
import { logoutAction } from "@/app/session/actions";
import { SubmitButton } from "@/app/components/SubmitButton";
import { useMe } from "@/app/session/queries";

/** The header's links that depend on who is signed in, filled in by the browser once it knows. */
export function HeaderAccount() {
  const me = useMe();
  // Until the answer comes, neither set of links: a signed-in shopper never sees "Log in" flash.
  if (me.isPending) return null;
  const user = me.data;
  if (!user)
    return (
      <>
        <Link href="/login">Log in</Link>
        <Link href="/register" className="btn small">
          Register
        </Link>
      </>
    );
  return (
    <>
      <Link href="/orders">Orders</Link>
      {user.role === "admin" && <Link href="/admin">Admin</Link>}
      <span className="user-chip" data-testid="current-user">
        Signed in as <strong>{user.username}</strong>
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
    </>
  );
}
