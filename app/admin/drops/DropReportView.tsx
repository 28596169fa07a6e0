"use client";

import Link from "next/link";
import { useMemo } from "react";
import type { AlignedData } from "uplot";
import { clock } from "@/app/admin/ui/format";
import { LaunchTime } from "@/app/components/LaunchTime";
import type { DropReport } from "@/lib/drops/report";
import { formatMoney as money, toCents } from "@/lib/money";
import { LiveChart } from "./LiveChart";
import { AnswersTable, ANSWER_SERIES, LATENCY_SERIES, Legend, ms, OUTCOMES, plural, REFUSALS, SALES_SERIES, seconds } from "./outcomes";
import { StatTiles } from "@/app/admin/ui/StatTiles";

const day = (msValue: number) => new Date(msValue).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
const percent = (part: number, whole: number) => (whole === 0 ? "—" : `${Math.round((100 * part) / whole)}%`);

function summary(r: DropReport): string {
  const { units, orders } = r.totals;
  const sold = `${plural(units, "unit")} in ${plural(orders, "order")}`;
  const refused = REFUSALS.filter((o) => r.totals.outcomes[o.outcome] > 0).map((o) => `${r.totals.outcomes[o.outcome]} ${o.refusal}`);
  const refusals = refused.length === 0 ? "no shopper refused" : `shoppers refused: ${refused.join(", ")}`;
  const conversion = `${r.conversion.bought} of ${plural(r.conversion.tried, "shopper")} who tried bought (${percent(r.conversion.bought, r.conversion.tried)})`;
  if (r.soldOut) {
    const start = r.soldOut.from === "launch" ? `Launch ${clock(Date.parse(r.sku.saleStartsAt!))}` : "From the first sale";
    return `${start} → sold out at ${clock(r.soldOut.at)}, in ${seconds(r.soldOut.afterMs)} s: ${sold}; ${conversion}; ${refusals}.`;
  }
  return `Not sold out: ${sold}, ${plural(r.sku.stock, "unit")} left; ${conversion}; ${refusals}.`;
}

function chartData(r: DropReport) {
  const t = r.seconds.map((s) => s.t);
  return {
    sales: [t, r.seconds.map((s) => s.units), r.seconds.map((s) => s.stockLeft)] as AlignedData,
    answers: [t, ...OUTCOMES.map((o) => r.seconds.map((s) => s.outcomes[o.outcome]))] as AlignedData,
    latency: [t, r.seconds.map((s) => s.p50Ms), r.seconds.map((s) => s.p99Ms)] as AlignedData,
  };
}

/**
 * The drop's report (/admin/drops/:skuId once the drop has ended, or ?view=report): the record's
 * charts over the whole drop, its totals, money and conversion from the orders, and the CSV.
 */
export function DropReportView({ report: r }: { report: DropReport }) {
  const data = useMemo(() => chartData(r), [r]);
  const first = r.seconds[0]?.t;
  const last = r.seconds.at(-1)?.t;
  const span = first === undefined || last === undefined ? "No checkout recorded yet" : `${day(first * 1000)}, ${clock(first * 1000)} to ${clock(last * 1000)} (${plural(last - first + 1, "second")})`;
  return (
    <section aria-labelledby="drop-heading" className="stack drop-view">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/admin/drops">
          <span aria-hidden="true">← </span>Drops
        </Link>
      </nav>
      <div className="room-header">
        <h1 id="drop-heading">Drop report: {r.sku.label}</h1>
        <div className="room-header-aside row">
          {r.state !== "ended" && <Link href={`/admin/drops/${r.sku.skuId}`}>Live view</Link>}
          <a className="button" href={`/api/admin/drops/${r.sku.skuId}/report.csv`} download>
            Download CSV
          </a>
        </div>
      </div>
      <p className="muted">
        {r.sku.saleStartsAt ? (
          <>
            Launch <LaunchTime iso={r.sku.saleStartsAt} />
          </>
        ) : (
          "No launch time"
        )}
        {" · "}
        {r.sku.perCustomerLimit === null ? "no limit" : `limit ${r.sku.perCustomerLimit} per customer`}
        {" · "}
        {span}
        {" · "}
        {r.state === "ended" ? "ended, from the record" : "still running: the record so far"}
      </p>
      <StatTiles
        stats={[
          { label: "Units sold", value: r.totals.units, testId: "report-units" },
          { label: "Orders", value: r.totals.orders, testId: "report-orders" },
          { label: "Revenue kept", value: money(r.revenue.kept), testId: "report-kept" },
          { label: "Bought / tried", value: `${r.conversion.bought} / ${r.conversion.tried}`, testId: "report-conversion" },
          { label: "Sold out in", value: r.soldOut ? `${seconds(r.soldOut.afterMs)} s` : "—", testId: "report-sellout" },
          { label: "p50 / p99 ms", value: `${ms(r.totals.p50Ms)} / ${ms(r.totals.p99Ms)}`, testId: "report-latency" },
        ]}
      />
      <h2 className="visually-hidden">Summary</h2>
      <p data-testid="report-summary">{summary(r)}</p>
      <div className="drop-charts">
        <figure className="card drop-chart">
          <figcaption>Units sold per second and stock left</figcaption>
          <LiveChart label={`Chart: units of ${r.sku.label} sold per second (bars) and stock left (line), over the whole drop. Numbers in the CSV.`} series={SALES_SERIES} data={data.sales} unit="units/s" rightUnit="stock" />
          <Legend items={SALES_SERIES} />
        </figure>
        <figure className="card drop-chart">
          <figcaption>Checkout answers per second</figcaption>
          <LiveChart label={`Chart: checkout answers per second for ${r.sku.label} over the whole drop, one line per answer. Totals in the table below.`} series={ANSWER_SERIES} data={data.answers} unit="answers/s" describedBy="report-answers-caption" />
          <Legend items={ANSWER_SERIES} />
        </figure>
        <figure className="card drop-chart">
          <figcaption>Checkout latency, p50 and p99</figcaption>
          <LiveChart label={`Chart: checkout latency for ${r.sku.label} per second over the whole drop, p50 and p99 in milliseconds.`} series={LATENCY_SERIES} data={data.latency} unit="ms" />
          <Legend items={LATENCY_SERIES} />
        </figure>
      </div>
      <div className="drop-tables">
        <div className="table-wrap">
          <table className="admin-table" data-testid="report-money">
            <caption>Money and units, from the orders</caption>
            <thead>
              <tr>
                <th scope="col">Orders</th>
                <th scope="col" className="num">
                  Units
                </th>
                <th scope="col" className="num">
                  Revenue
                </th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">Created</th>
                <td className="num">{r.totals.unitsPaid + r.totals.unitsUnpaid + r.totals.unitsCancelled}</td>
                <td className="num">{money(r.revenue.created)}</td>
              </tr>
              <tr>
                <th scope="row">Paid</th>
                <td className="num">{r.totals.unitsPaid}</td>
                <td className="num">{money(r.revenue.paid)}</td>
              </tr>
              <tr>
                <th scope="row">Not paid yet</th>
                <td className="num">{r.totals.unitsUnpaid}</td>
                <td className="num">{money(toCents(r.revenue.kept) - toCents(r.revenue.paid))}</td>
              </tr>
              <tr>
                <th scope="row">Cancelled or expired</th>
                <td className="num">{r.totals.unitsCancelled}</td>
                <td className="num">{money(r.revenue.cancelled)}</td>
              </tr>
              <tr>
                <th scope="row">Kept</th>
                <td className="num">{r.totals.unitsPaid + r.totals.unitsUnpaid}</td>
                <td className="num">{money(r.revenue.kept)}</td>
              </tr>
            </tbody>
          </table>
        </div>
        <AnswersTable captionId="report-answers-caption" outcomes={r.totals.outcomes} testId="report-answers" />
      </div>
    </section>
  );
}
