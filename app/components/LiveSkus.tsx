"use client";

import { createContext, useContext } from "react";
import type { CatalogSku } from "@/lib/catalog/products";
import { overlay, useLiveStock, type LiveStock } from "./live-stock";

const LiveContext = createContext<LiveStock | undefined>(undefined);

/** One poll of live stock for every SKU on the page, shared by the cards inside. */
export function LiveSkus({ skuIds, children }: { skuIds: number[]; children: React.ReactNode }) {
  const live = useLiveStock(skuIds);
  return <LiveContext.Provider value={live.data}>{children}</LiveContext.Provider>;
}

/** SKUs as rendered, with the page's live reading laid over them. */
export function useLiveSkus<S extends Pick<CatalogSku, "skuId">>(rendered: S[]): { skus: S[]; reading: LiveStock | undefined } {
  const reading = useContext(LiveContext);
  return { skus: overlay(rendered, reading), reading };
}
