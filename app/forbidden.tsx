import Link from "next/link";

/**
 * What `forbidden()` renders, with status 403: today only the console's door
 * (app/admin/ui/access.ts) calls it, for a signed-in shopper. Static on purpose: Next sends this
 * file with every route, so reading the session here would make every public page dynamic.
 */
export default function Forbidden() {
  return (
    <>
      <h1>403 · Admins only</h1>
      <p className="alert error" role="alert">
        You are signed in with a shopper account. The console is only for shop admins.
      </p>
      <p>
        <Link href="/">Back to the shop</Link>
      </p>
    </>
  );
}
