import "server-only";
import { count, eq } from "drizzle-orm";
import { getDb } from "@/db";
import { orders } from "@/db/schema";
import { dropsToday, lowStock } from "./drop-board";
import { listAllOrders, type AdminOrderView } from "./orders";
import { listStock, type StockRow } from "./stock";

/** How many of each list the console's home shows; each links to its room for the rest. */
export const DASHBOARD_LIST = 5;

export type Dashboard = {
  at: number;
  drops: { total: number; shown: StockRow[] };
  lowStock: { total: number; shown: StockRow[] };
  unpaid: { total: number; newest: AdminOrderView[] };
};

/** The console's home in one read: today's drops, low stock, and the orders still awaiting payment. */
export async function dashboard(lowStockThreshold: number): Promise<Dashboard> {
  const [rows, [unpaidCount], newest] = await Promise.all([
    listStock(),
    getDb().select({ n: count() }).from(orders).where(eq(orders.status, "unpaid")),
    listAllOrders({ status: "unpaid", limit: DASHBOARD_LIST }),
  ]);
  const at = Date.now();
  const drops = dropsToday(rows, at);
  const low = lowStock(rows, lowStockThreshold);
  return {
    at,
    drops: { total: drops.length, shown: drops.slice(0, DASHBOARD_LIST) },
    lowStock: { total: low.length, shown: low.slice(0, DASHBOARD_LIST) },
    unpaid: { total: unpaidCount?.n ?? 0, newest },
  };
}
