import type { ReactNode } from "react";

/** One figure: its label, its value (and a quieter note after it), and the test id its value carries. */
export type Stat = { label: string; value: ReactNode; note?: ReactNode; testId: string };

/** A row of figures as the drop views show them, label above value: one `<dl>`, a tile per figure. */
export function StatTiles({ stats }: { stats: Stat[] }) {
  return (
    <dl className="stat-tiles">
      {stats.map((s) => (
        <div key={s.testId}>
          <dt>{s.label}</dt>
          <dd data-testid={s.testId}>
            {s.value}
            {s.note !== undefined && <span className="dd-note"> {s.note}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}
