"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "@/app/api-client";
import type { AdjustmentView } from "@/lib/admin/stock";

export const adjustmentsKey = (skuId: number) => ["admin", "adjustments", skuId] as const;

/** One SKU's ledger of manual changes, newest first (the Manage drawer's history). */
export function useAdjustments(skuId: number) {
  return useQuery({
    queryKey: adjustmentsKey(skuId),
    queryFn: () => api<{ adjustments: AdjustmentView[] }>(`/api/admin/stock/${skuId}/adjustments`).then((d) => d.adjustments),
  });
}
