"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { useRemoveCartItem, useUpdateCartItem } from "@/app/cart/queries";

/**
 * One click to make a short line orderable: lower it to what is left, or take it out. The page
 * then reloads its lines from the server, so what it shows is the cart as it now is.
 */
export function LineFix({ skuId, name, available }: { skuId: number; name: string; available: number }) {
  const router = useRouter();
  const update = useUpdateCartItem();
  const remove = useRemoveCartItem();
  const [refreshing, startRefresh] = useTransition();
  const busy = update.isPending || remove.isPending || refreshing;
  const done = () => startRefresh(() => router.refresh());
  const failure = update.error ?? remove.error;
  return (
    <span className="line-fix">
      {available > 0 && (
        <button type="button" className="btn small" disabled={busy} onClick={() => update.mutate({ skuId, count: available }, { onSuccess: done })}>
          {update.isPending || (refreshing && update.isSuccess) ? "Reducing…" : `Reduce to ${available}`}
          <span className="visually-hidden"> of {name}</span>
        </button>
      )}
      <button type="button" className="btn small secondary" disabled={busy} onClick={() => remove.mutate(skuId, { onSuccess: done })}>
        {remove.isPending || (refreshing && remove.isSuccess) ? "Removing…" : "Remove"}
        <span className="visually-hidden"> {name}</span>
      </button>
      {failure && <span className="field-error"> {failure.message}</span>}
    </span>
  );
}
