"use client";

import { StockBadge } from "@/app/components/StockBadge";
import type { CatalogSku } from "@/lib/catalog";
import { hasStarted } from "@/lib/sale-start";
import { waitWords } from "./launch";
import { useServerNow } from "./server-clock";

type Sku = Pick<CatalogSku, "stock" | "onSale" | "saleStartsAt">;

/**
 * A catalog card's badges: its stock ("Sold out" when nothing is left), and "Starts in …" while
 * every variant with stock is still waiting for its launch, counted by the server's clock.
 */
export function CatalogBadges({ skus, renderedAt }: { skus: Sku[]; renderedAt: number }) {
  const forSale = skus.filter((s) => s.onSale && s.stock > 0);
  const launches = forSale.flatMap((s) => (s.saleStartsAt && !hasStarted(s.saleStartsAt, renderedAt) ? [Date.parse(s.saleStartsAt)] : []));
  // Ticks until the first launch; from then on the product is for sale and shows its stock.
  const now = useServerNow(renderedAt, launches.length > 0 ? Math.min(...launches) : null);
  const liveNow = forSale.some((s) => hasStarted(s.saleStartsAt, now));
  const stock = forSale.reduce((n, s) => n + s.stock, 0);
  const upcoming = forSale.filter((s) => !hasStarted(s.saleStartsAt, now)).map((s) => Date.parse(s.saleStartsAt!));
  return (
    <span className="row" style={{ gap: "0.35rem" }}>
      {!liveNow && upcoming.length > 0 && <span className="badge upcoming">Starts in {waitWords(Math.min(...upcoming) - now)}</span>}
      <StockBadge stock={stock} />
    </span>
  );
}
