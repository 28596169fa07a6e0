"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/**
 * Told to a guest beside a SKU with a per-customer limit, before they queue up for it: limits
 * count per account, so the checkout refuses a guest (ACCOUNT_REQUIRED).
 */
export function AccountRequiredNote({ testId, next }: { testId: string; next?: string }) {
  const path = usePathname();
  const back = encodeURIComponent(next ?? path);
  return (
    <span className="line-note blocked" data-testid={testId}>
      Limited per customer, so buying it needs an account: <Link href={`/login?next=${back}`} className="inline-link">log in</Link> or{" "}
      <Link href={`/register?next=${back}`} className="inline-link">create one</Link>.
    </span>
  );
}
