import type { Metadata } from "next";
import { requireAdmin } from "@/app/admin/ui/access";
import { RoomHeader } from "@/app/admin/ui/RoomHeader";
import { LocationsManager } from "./LocationsManager";

export const metadata: Metadata = { title: "Locations" };
export const dynamic = "force-dynamic";

export default async function LocationsPage() {
  await requireAdmin("/admin/locations");
  return (
    <>
      <RoomHeader title="Locations" lead="Checkout takes units from active locations, lowest priority number first, and splits a line when one runs out." />
      <LocationsManager />
    </>
  );
}
