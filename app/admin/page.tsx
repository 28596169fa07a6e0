import type { Metadata } from "next";
import Link from "next/link";
import { stockSnapshot } from "@/lib/admin/stock";
import { requirePageUser } from "@/lib/auth/current";
import { env } from "@/lib/platform/env";
import { DropView } from "./DropView";
import { defaultDrop } from "./format";
import { LocationsManager } from "./LocationsManager";
import { OrdersOverview } from "./OrdersOverview";
import { StockConsole } from "./StockConsole";

export const metadata: Metadata = { title: "Admin" };
export const dynamic = "force-dynamic";

function Forbidden({ username }: { username: string }) {
  return (
    <>
      <h1>403 · Admins only</h1>
      <p className="alert error" role="alert">
        You are signed in as {username}, a shopper account. The stock console is only for shop admins.
      </p>
      <p>
        <Link href="/">Back to the shop</Link>
      </p>
    </>
  );
}

export default async function AdminPage({ searchParams }: { searchParams: Promise<{ drop?: string | string[] }> }) {
  const user = await requirePageUser("/admin");
  // `forbidden()` would also set the status, but needs Next's experimental authInterrupts flag.
  if (user.role !== "admin") return <Forbidden username={user.username} />;
  const snapshot = await stockSnapshot();
  const asked = Number((await searchParams).drop);
  const drop = snapshot.skus.some((r) => r.skuId === asked) ? asked : defaultDrop(snapshot.skus, snapshot.at);
  return (
    <>
      <h1>Stock console</h1>
      <DropView initial={snapshot} initialSkuId={drop} />
      <StockConsole initial={snapshot} lowStockThreshold={env().LOW_STOCK_THRESHOLD} />
      <OrdersOverview />
      <LocationsManager />
    </>
  );
}
