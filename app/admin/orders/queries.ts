"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/app/api-client";
import type { BulkShipReport } from "@/lib/admin/order-moves";
import type { OrderPage } from "@/lib/admin/orders";
import type { OrderStatus } from "@/db/schema";

/** The list's filters as the address and the API spell them (blank = none). */
export type OrderFilter = { q: string; status: OrderStatus | ""; from: string; to: string };

export const filterQuery = (f: OrderFilter, extra: Record<string, string> = {}) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...f, ...extra })) if (v) params.set(k, v);
  return params.toString();
};

/** Pages of 50, newest first; "Load more" asks for the next from the last page's cursor. The first page refreshes every 10 s. */
export function useOrderPages(filter: OrderFilter) {
  return useInfiniteQuery({
    queryKey: ["admin", "orders", filter],
    queryFn: ({ pageParam }) => api<OrderPage>(`/api/admin/orders?${filterQuery(filter, pageParam ? { cursor: pageParam } : {})}`),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 10_000,
    refetchIntervalInBackground: false,
  });
}

/** Ship or complete one order from the list; the list refreshes from the server afterwards. */
export function useOrderMove() {
  const qc = useQueryClient();
  return useMutation({
    // `number` only words the answer ("Order SR-7K3F92 shipped.").
    mutationFn: ({ orderId, move }: { orderId: string; number: string; move: "ship" | "complete" }) => api(`/api/admin/orders/${orderId}/${move}`, { method: "POST", body: {} }),
    onSettled: () => qc.invalidateQueries({ queryKey: ["admin", "orders"] }),
  });
}

/** Ship the selected orders, each on its own; the answer says which moved and which could not. */
export function useBulkShip() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (orderIds: string[]) => api<BulkShipReport>("/api/admin/orders/ship", { method: "POST", body: { orderIds } }),
    onSettled: () => qc.invalidateQueries({ queryKey: ["admin", "orders"] }),
  });
}
