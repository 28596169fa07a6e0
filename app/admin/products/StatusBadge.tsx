import type { ProductStatus } from "@/db/schema";
import styles from "./products.module.css";

export const STATUS_WORDS: Record<ProductStatus, string> = { draft: "Draft", active: "Active", archived: "Archived" };

export function StatusBadge({ status }: { status: ProductStatus }) {
  return (
    <span className={`badge ${styles.status}`} data-status={status}>
      {STATUS_WORDS[status]}
    </span>
  );
}
