"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { logoutAction } from "@/app/actions/auth";
import { SubmitButton } from "@/app/components/SubmitButton";
import { useMe, useSessionChanged } from "@/app/session/queries";

/** The header's links that depend on who is signed in, filled in by the browser once it knows. */
export function HeaderAccount() {
  const me = useMe();
  const sessionChanged = useSessionChanged();
  const router = useRouter();
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
          await sessionChanged(null);
          router.push("/");
          router.refresh();
        }}
      >
        <SubmitButton className="btn secondary small" pendingLabel="Logging out…">
          Log out
        </SubmitButton>
      </form>
    </>
  );
}
