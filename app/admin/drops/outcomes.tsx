import type { DropOutcome } from "@/lib/drops/live-series";
import type { ChartSeries } from "./LiveChart";

/** What each answer is called on the drop's pages, and its colour in the answers chart: the live view's and the report's. */
export const OUTCOMES: { outcome: DropOutcome; label: string; refusal: string; color: string; dash?: number[] }[] = [
  { outcome: "created", label: "Orders created", refusal: "", color: "#16794c" },
  { outcome: "OUT_OF_STOCK", label: "Out of stock", refusal: "out of stock", color: "#b42318" },
  { outcome: "PURCHASE_LIMIT_REACHED", label: "Over the limit", refusal: "over the limit", color: "#a15c00", dash: [6, 3] },
  { outcome: "SALE_NOT_STARTED", label: "Before the launch", refusal: "before the launch", color: "#2f5bea", dash: [2, 3] },
  { outcome: "CART_ALREADY_ORDERED", label: "Cart already ordered", refusal: "cart already ordered", color: "#5d6270", dash: [10, 4] },
  { outcome: "BUSY", label: "Busy, asked to retry", refusal: "busy, asked to retry", color: "#7a3cc2", dash: [2, 6] },
];
export const REFUSALS = OUTCOMES.filter((o) => o.outcome !== "created");

export const SALES_SERIES: ChartSeries[] = [
  { label: "Units sold per second", color: "#2f5bea", bars: true },
  { label: "Stock left", color: "#1c1d21", right: true },
];
export const ANSWER_SERIES: ChartSeries[] = OUTCOMES.map((o) => ({ label: o.label, color: o.color, dash: o.dash }));
export const LATENCY_SERIES: ChartSeries[] = [
  { label: "p50", color: "#2f5bea", points: true },
  { label: "p99", color: "#b42318", dash: [6, 3], points: true },
];

export const ms = (v: number | null) => (v === null ? "—" : v < 10 ? v.toFixed(1) : String(Math.round(v)));
export const seconds = (msValue: number) => (msValue < 10_000 ? (msValue / 1000).toFixed(1) : String(Math.round(msValue / 1000)));
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function Legend({ items }: { items: { label: string; color: string; dash?: number[] }[] }) {
  return (
    <ul className="chart-legend" aria-hidden="true">
      {items.map((i) => (
        <li key={i.label}>
          <span className="chart-swatch" style={{ borderTopColor: i.color, borderTopStyle: i.dash ? "dashed" : "solid" }} />
          {i.label}
        </li>
      ))}
    </ul>
  );
}

/** Every answer's count over the whole drop (the live view's and the report's table). */
/** `captionId` names the caption, which the answers chart points at (aria-describedby). */
export function AnswersTable({ outcomes, testId, captionId, cellTestId }: { outcomes: Record<DropOutcome, number>; testId: string; captionId: string; cellTestId?: (outcome: DropOutcome) => string }) {
  return (
    <div className="table-wrap">
      <table className="admin-table" data-testid={testId}>
        <caption id={captionId}>Checkout answers, all together</caption>
        <thead>
          <tr>
            <th scope="col">Answer</th>
            <th scope="col" className="num">
              Checkouts
            </th>
          </tr>
        </thead>
        <tbody>
          {OUTCOMES.map((o) => (
            <tr key={o.outcome}>
              <th scope="row">{o.label}</th>
              <td className="num" data-testid={cellTestId?.(o.outcome)}>
                {outcomes[o.outcome]}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
