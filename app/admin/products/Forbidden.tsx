import Link from "next/link";

/** What a shopper sees in the Products room. */
export function Forbidden({ username }: { username: string }) {
  return (
    <>
      <h1>403 · Admins only</h1>
      <p className="alert error" role="alert">
        You are signed in as {username}, a shopper account. The console is only for shop admins.
      </p>
      <p>
        <Link href="/">Back to the shop</Link>
      </p>
    </>
  );
}
