"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "@/app/api-client";
import type { LocationView } from "@/lib/admin/locations";
import type { StockRow } from "@/lib/admin/stock";

// The queries more than one room reads: the stock table (stock, drops) and the locations (stock, locations).
export const STOCK_KEY = ["admin", "stock"] as const;
export const LOCATIONS_KEY = ["admin", "locations"] as const;

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

/** Every location, in the order checkout drains them. */
export function useLocations() {
  return useQuery({ queryKey: LOCATIONS_KEY, queryFn: () => api<{ locations: LocationView[] }>("/api/admin/locations").then((d) => d.locations) });
}
