"use client";

import Link from "next/link";
import { useMemo } from "react";
import type { AlignedData } from "uplot";
import { clock, skuLabel } from "@/app/admin/ui/format";
import { useStock } from "@/app/admin/ui/queries";
import type { StockRow } from "@/lib/admin/stock";
import type { DropLive } from "@/lib/drops/live";
import type { DropSecond } from "@/lib/drops/live-series";
import { LaunchTime } from "@/app/components/LaunchTime";
import { DropPicker } from "./DropPicker";
import { LiveChart } from "./LiveChart";
import { QueueBoard } from "./QueueBoard";
import { AnswersTable, ANSWER_SERIES, LATENCY_SERIES, Legend, ms, OUTCOMES, plural, REFUSALS, SALES_SERIES, seconds } from "./outcomes";
import { DROP_POLL_MS, useDropLive } from "./queries";
import { StatTiles } from "@/app/admin/ui/StatTiles";

/** Rows of the table under the charts: the newest seconds. */
const TABLE_SECONDS = 8;

function refusedWords(live: DropLive): string {
  const parts = REFUSALS.filter((r) => live.totals.outcomes[r.outcome] > 0).map((r) => `${live.totals.outcomes[r.outcome]} ${r.refusal}`);
  return parts.length === 0 ? "no shopper refused" : `shoppers refused: ${parts.join(", ")}`;
}

/** The drop in words: what a screen reader hears instead of the pictures, and what anyone reads after. */
function summary(live: DropLive): string {
  const { units, orders } = live.totals;
  const sold = `${plural(units, "unit")} in ${plural(orders, "order")}`;
  if (live.soldOut) {
    const start = live.soldOut.from === "launch" ? `Launch ${clock(Date.parse(live.sku.saleStartsAt!))}` : `First sale ${clock(live.firstSaleAt!)}`;
    return `${start} → sold out at ${clock(live.soldOut.at)}, in ${seconds(live.soldOut.afterMs)} s: ${sold}; ${refusedWords(live)}.`;
  }
  const left = `${plural(live.sku.stock, "unit")} left`;
  return `Not sold out: ${sold} so far, ${left}; ${refusedWords(live)}.`;
}

/** Seconds the charts show at least; before the first answer they show only a few quiet seconds, so the drop fills the width. */
const MIN_CHART_S = 30;
const LEAD_S = 5;

function chartData(all: DropSecond[]) {
  const firstActive = all.findIndex((s) => Object.values(s.outcomes).some((n) => n > 0));
  const start = firstActive === -1 ? all.length - MIN_CHART_S : Math.min(firstActive - LEAD_S, all.length - MIN_CHART_S);
  const secs = all.slice(Math.max(0, start));
  const t = secs.map((s) => s.t);
  return {
    sales: [t, secs.map((s) => s.units), secs.map((s) => s.stockLeft)] as AlignedData,
    answers: [t, ...OUTCOMES.map((o) => secs.map((s) => s.outcomes[o.outcome]))] as AlignedData,
    latency: [t, secs.map((s) => s.p50Ms), secs.map((s) => s.p99Ms)] as AlignedData,
  };
}

function DropCharts({ skuId }: { skuId: number }) {
  const live = useDropLive(skuId);
  const data = useMemo(() => (live.data ? chartData(live.data.seconds) : null), [live.data]);
  if (live.isPending) return <p className="muted">Loading the drop…</p>;
  if (live.isError && !live.data) {
    return (
      <p className="alert error" role="alert">
        Could not load the drop: {live.error.message}
      </p>
    );
  }
  const d = live.data;
  const recent = d.seconds.slice(-TABLE_SECONDS).reverse();
  const shown = data!.sales[0].length;
  const refused = REFUSALS.reduce((n, r) => n + d.totals.outcomes[r.outcome], 0);
  return (
    <>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <span className="muted">
          {d.sku.saleStartsAt ? (
            <>
              Launch <LaunchTime iso={d.sku.saleStartsAt} />
            </>
          ) : (
            "No launch time"
          )}
          {" · "}
          {d.sku.perCustomerLimit === null ? "no limit" : `limit ${d.sku.perCustomerLimit} per customer`}
        </span>
        <span className="muted" aria-live="off">
          Live, every {DROP_POLL_MS / 1000} s while this tab is visible · updated{" "}
          <time data-testid="drop-updated" dateTime={new Date(live.dataUpdatedAt).toISOString()} suppressHydrationWarning>
            {clock(live.dataUpdatedAt)}
          </time>
        </span>
      </div>
      {live.isError && (
        <p className="alert error" role="alert">
          Live updates failed: {live.error.message} Showing the drop as of {clock(live.dataUpdatedAt)}.
        </p>
      )}
      <StatTiles
        stats={[
          { label: "Units sold", value: d.totals.units, testId: "drop-sold" },
          { label: "Stock left", value: d.sku.stock, testId: "drop-stock" },
          { label: "Orders", value: d.totals.orders, testId: "drop-orders" },
          { label: "Refused", value: refused, testId: "drop-refused" },
        ]}
      />
      <h3 id="drop-summary-heading">Summary</h3>
      <p data-testid="drop-summary">{summary(d)}</p>
      {/* Said once, when it happens; the running numbers above are not announced every second. */}
      <div role="status" className="visually-hidden">
        {d.soldOut ? `Sold out in ${seconds(d.soldOut.afterMs)} s.` : ""}
      </div>
      <QueueBoard skuId={d.sku.skuId} />
      <div className="drop-charts">
        <figure className="card drop-chart">
          <figcaption>Units sold per second and stock left</figcaption>
          <LiveChart
            label={`Chart: units of ${d.sku.label} sold per second (bars) and stock left (line), last ${shown} seconds. Numbers in the table below.`}
            series={SALES_SERIES}
            data={data!.sales}
            unit="units/s"
            rightUnit="stock"
            describedBy="drop-table-caption"
          />
          <Legend items={SALES_SERIES} />
        </figure>
        <figure className="card drop-chart">
          <figcaption>Checkout answers per second</figcaption>
          <LiveChart
            label={`Chart: checkout answers per second for ${d.sku.label}, one line per answer: orders created, out of stock, over the limit, before the launch, cart already ordered, busy. Totals in the table below.`}
            series={ANSWER_SERIES}
            data={data!.answers}
            unit="answers/s"
            describedBy="drop-answers-caption"
          />
          <Legend items={ANSWER_SERIES} />
        </figure>
        <figure className="card drop-chart">
          <figcaption>Checkout latency, p50 and p99</figcaption>
          <LiveChart
            label={`Chart: checkout latency for ${d.sku.label} per second, median (p50) and 99th percentile (p99), in milliseconds. Numbers in the table below.`}
            series={LATENCY_SERIES}
            data={data!.latency}
            unit="ms"
            describedBy="drop-table-caption"
          />
          <Legend items={LATENCY_SERIES} />
        </figure>
      </div>
      <div className="drop-tables">
        <AnswersTable captionId="drop-answers-caption" outcomes={d.totals.outcomes} testId="drop-answers" cellTestId={(o) => `drop-total-${o}`} />
        {/* Focusable, so a keyboard can scroll it where a phone is narrower than its columns. */}
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="drop-table-caption">
          <table className="admin-table" data-testid="drop-recent">
            <caption id="drop-table-caption">The last {recent.length} seconds</caption>
            <thead>
              <tr>
                <th scope="col">Second</th>
                <th scope="col" className="num">
                  Sold
                </th>
                <th scope="col" className="num">
                  Stock left
                </th>
                <th scope="col" className="num">
                  Answers
                </th>
                <th scope="col" className="num">
                  p50 ms
                </th>
                <th scope="col" className="num">
                  p99 ms
                </th>
              </tr>
            </thead>
            <tbody>
              {recent.map((s) => (
                <tr key={s.t}>
                  <th scope="row">{clock(s.t * 1000)}</th>
                  <td className="num">{s.units}</td>
                  <td className="num">{s.stockLeft}</td>
                  <td className="num">{Object.values(s.outcomes).reduce((a, b) => a + b, 0)}</td>
                  <td className="num">{ms(s.p50Ms)}</td>
                  <td className="num">{ms(s.p99Ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}

/**
 * The drop view of one SKU (/admin/drops/:skuId): any SKU can be watched (every checkout is
 * counted per SKU, so watching costs nothing more); the picker opens another one's page.
 */
export function DropView({ initial, skuId }: { initial: { skus: StockRow[]; at: number }; skuId: number }) {
  const rows = useStock(initial).data;
  const watched = rows.find((r) => r.skuId === skuId);
  // The name as of the first render until the live table has it (a renamed SKU keeps its page).
  const label = watched ? skuLabel(watched) : skuLabel(initial.skus.find((r) => r.skuId === skuId) ?? { skuId, product: "SKU", name: String(skuId) });
  return (
    <section aria-labelledby="drop-heading" className="stack drop-view">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/admin/drops">
          <span aria-hidden="true">← </span>Drops
        </Link>
      </nav>
      <div className="room-header">
        <h1 id="drop-heading">Drop: {label}</h1>
        <div className="room-header-aside">
          <DropPicker rows={rows} current={skuId} />
        </div>
      </div>
      <p>
        <Link href={`/admin/drops/${skuId}?view=report`}>The whole drop so far: report and CSV</Link>
      </p>
      <DropCharts skuId={skuId} />
    </section>
  );
}
