"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/app/api-client";
import type { LocationView } from "@/lib/admin/locations";
import type { AdminOrderView } from "@/lib/admin/orders";
import type { AdjustmentView, StockRow } from "@/lib/admin/stock";
import type { DropLive } from "@/lib/drops/live";
import { LIVE_WINDOW_S } from "@/lib/drops/live-series";
import type { OrderStatus } from "@/db/schema";

export const STOCK_KEY = ["admin", "stock"] as const;
export const LOCATIONS_KEY = ["admin", "locations"] as const;
export const adjustmentsKey = (skuId: number) => ["admin", "adjustments", skuId] as const;
export const dropLiveKey = (skuId: number) => ["admin", "drop-live", skuId] as const;
export const ordersKey = (status: OrderStatus | "") => ["admin", "orders", status] as const;

/** How often the stock table asks for fresh numbers while the tab is visible. */
export const STOCK_POLL_MS = 2_000;

export function useStock(initial: { skus: StockRow[]; at: number }) {
  return useQuery({
    queryKey: STOCK_KEY,
    queryFn: () => api<{ skus: StockRow[] }>("/api/admin/stock").then((d) => d.skus),
    initialData: initial.skus,
    initialDataUpdatedAt: initial.at,
    refetchInterval: STOCK_POLL_MS,
    // A hidden tab stops polling; React Query refetches as soon as it is visible again.
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
    staleTime: 0,
  });
}

/** How often the drop view asks for the newest seconds while the tab is visible. */
export const DROP_POLL_MS = 1_000;
/** The newest seconds may still grow (checkouts finishing, other processes' counts arriving): asked again every time. */
const REREAD_S = 3;

/**
 * One SKU's drop, polled every second with one request: after the first answer, only the newest
 * seconds are asked for and merged into the ones already here (at most the server's window).
 */
export function useDropLive(skuId: number) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: dropLiveKey(skuId),
    queryFn: async () => {
      const before = qc.getQueryData<DropLive>(dropLiveKey(skuId));
      const newest = before?.seconds.at(-1)?.t;
      const since = newest === undefined ? undefined : newest - REREAD_S;
      const fresh = await api<DropLive>(`/api/admin/drops/${skuId}/live${since === undefined ? "" : `?since=${since}`}`);
      if (!before || fresh.seconds.length === 0) return fresh;
      const first = fresh.seconds[0]!.t;
      const seconds = [...before.seconds.filter((s) => s.t < first), ...fresh.seconds].slice(-LIVE_WINDOW_S);
      return { ...fresh, seconds };
    },
    refetchInterval: DROP_POLL_MS,
    // A hidden tab stops polling; React Query refetches as soon as it is visible again.
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
    staleTime: 0,
  });
}

export function useAdjustments(skuId: number) {
  return useQuery({
    queryKey: adjustmentsKey(skuId),
    queryFn: () => api<{ adjustments: AdjustmentView[] }>(`/api/admin/stock/${skuId}/adjustments`).then((d) => d.adjustments),
  });
}

export function useAllOrders(status: OrderStatus | "") {
  return useQuery({
    queryKey: ordersKey(status),
    queryFn: () => api<{ orders: AdminOrderView[] }>(`/api/admin/orders${status ? `?status=${status}` : ""}`).then((d) => d.orders),
    refetchInterval: 10_000,
    refetchIntervalInBackground: false,
  });
}

/** Ship or complete an order from the overview; the list refreshes from the server afterwards. */
export function useOrderMove() {
  const qc = useQueryClient();
  return useMutation({
    // `number` only words the answer ("Order SR-7K3F92 shipped.").
    mutationFn: ({ orderId, move }: { orderId: string; number: string; move: "ship" | "complete" }) => api(`/api/admin/orders/${orderId}/${move}`, { method: "POST" }),
    onSettled: () => qc.invalidateQueries({ queryKey: ["admin", "orders"] }),
  });
}

/** Every location, in the order checkout drains them. */
export function useLocations() {
  return useQuery({ queryKey: LOCATIONS_KEY, queryFn: () => api<{ locations: LocationView[] }>("/api/admin/locations").then((d) => d.locations) });
}
