"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "@/app/api-client";
import type { ServerTimeReading } from "@/app/components/server-clock";
import type { LiveSku } from "@/lib/catalog/live-stock";

/** How often a visible page asks for fresh stock (the server answers from a cache at most 1 s old). */
export const LIVE_STOCK_POLL_MS = 1_000;

type StockAnswer = { skus: LiveSku[]; serverTime: number };
export type LiveStock = ServerTimeReading & { skus: Map<number, LiveSku> };

/** SKUs as the page was rendered, with what a live reading says now laid over them. */
export function overlay<S extends { skuId: number }>(rendered: S[], reading: LiveStock | undefined): S[] {
  return rendered.map((s) => ({ ...s, ...reading?.skus.get(s.skuId) }));
}

/**
 * These SKUs as they are now (stock, and what an admin may have changed since the page was
 * rendered), polled while the tab is visible, with the server's clock reading that came with it.
 */
export function useLiveStock(skuIds: number[]) {
  const ids = skuIds.join(",");
  return useQuery({
    queryKey: ["stock", ids],
    queryFn: async (): Promise<LiveStock> => {
      const answer = await api<StockAnswer>(`/api/stock/${ids}`);
      return { skus: new Map(answer.skus.map((s) => [s.skuId, s])), serverTime: answer.serverTime, receivedAt: performance.now() };
    },
    enabled: skuIds.length > 0,
    refetchInterval: LIVE_STOCK_POLL_MS,
    // A hidden tab stops polling; React Query refetches as soon as it is visible again.
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
    staleTime: 0,
    // A Map is not plain data: keep each answer as it came.
    structuralSharing: false,
  });
}
