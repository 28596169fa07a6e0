import type { AuditView } from "@/lib/audit/history";
import styles from "../products.module.css";

const show = (v: unknown) => (v === null || v === undefined || v === "" ? "none" : typeof v === "object" ? JSON.stringify(v) : String(v));

/** "price 10.00 → 9.50; name A → B" for a change, "name Blue, price 9.50, …" for a creation. */
function changeWords(changes: Record<string, unknown>): string {
  return Object.entries(changes)
    .map(([field, value]) => (Array.isArray(value) && value.length === 2 && field !== "stock" ? `${field} ${show(value[0])} → ${show(value[1])}` : `${field} ${show(value)}`))
    .join("; ");
}

const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

/** The product's history, newest first: who changed what and when. */
export function History({ entries, variantNames }: { entries: AuditView[]; variantNames: Map<number, string> }) {
  if (entries.length === 0) return <p className="muted">No changes yet.</p>;
  return (
    <ol className={styles.history}>
      {entries.map((e) => (
        <li key={e.id}>
          <strong>
            {e.entity === "sku" ? `Variant ${variantNames.get(e.entityId) ?? `#${e.entityId}`}` : e.entity === "image" ? "Image" : "Product"} {e.action}
          </strong>{" "}
          <span className="muted">
            by {e.actor}, <time dateTime={e.createdAt}>{when.format(new Date(e.createdAt))} UTC</time>
          </span>
          <div style={{ fontSize: "0.9rem" }}>{changeWords(e.changes)}</div>
        </li>
      ))}
    </ol>
  );
}
