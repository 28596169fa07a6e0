"use client";

import { StockBadge } from "@/app/components/StockBadge";
import type { CatalogSku } from "@/lib/catalog/products";
import { priceLabel } from "@/lib/catalog/from-price";
import { formatMoney } from "@/lib/money";
import { hasStarted } from "@/lib/drops/sale-start";
import { waitWords } from "./launch";
import { useLiveSkus } from "./LiveSkus";
import { useServerNow } from "./server-clock";
import { buyableUnits } from "@/lib/catalog/availability";

/**
 * A catalog card's price and badges, kept live while the page is open: the "from" price, its
 * stock ("Sold out" when nothing is left), and "Starts in …" while every variant with stock is
 * still waiting for its launch, counted by the server's clock.
 */
/** What a card needs of each variant: the page sends no more (a product may have hundreds). */
export type CardSku = Pick<CatalogSku, "skuId" | "price" | "stock" | "onSale" | "saleStartsAt">;

export function CatalogCardStatus({ skus: rendered, renderedAt }: { skus: CardSku[]; renderedAt: number }) {
  const { skus, reading } = useLiveSkus(rendered);
  const price = priceLabel(skus, formatMoney);
  const forSale = skus.filter((s) => buyableUnits(s) > 0);
  const launches = forSale.flatMap((s) => (s.saleStartsAt && !hasStarted(s.saleStartsAt, renderedAt) ? [Date.parse(s.saleStartsAt)] : []));
  // Ticks until the first launch; from then on the product is for sale and shows its stock.
  const now = useServerNow(renderedAt, launches.length > 0 ? Math.min(...launches) : null, reading);
  const liveNow = forSale.some((s) => hasStarted(s.saleStartsAt, now));
  const stock = forSale.reduce((n, s) => n + s.stock, 0);
  const upcoming = forSale.filter((s) => !hasStarted(s.saleStartsAt, now)).map((s) => Date.parse(s.saleStartsAt!));
  return (
    <div className="row" style={{ justifyContent: "space-between" }}>
      <span className="price" data-testid="product-price">
        {price ?? "Unavailable"}
      </span>
      <span className="row" style={{ gap: "0.35rem" }}>
        {!liveNow && upcoming.length > 0 && <span className="badge upcoming">Starts in {waitWords(Math.min(...upcoming) - now)}</span>}
        <StockBadge stock={stock} />
      </span>
    </div>
  );
}
