import { NextResponse } from "next/server";
import { addressPatchSchema, deleteAddress, updateAddress } from "@/lib/orders/addresses";
import { idParam, readJson, requireUser, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ addressId: string }> };

/** Replaces the fields the body names (the whole result is validated); `isDefault: true` makes it the default. */
export const PUT = route<Ctx>(async (req, { params }) => {
  const user = await requireUser(req);
  const id = idParam((await params).addressId, "ADDRESS_NOT_FOUND");
  const patch = await readJson(req, addressPatchSchema);
  return NextResponse.json({ address: await updateAddress(user.id, id, patch) });
});

/** Removes one of the caller's addresses (placed orders keep their copy); 204. */
export const DELETE = route<Ctx>(async (req, { params }) => {
  const user = await requireUser(req);
  await deleteAddress(user.id, idParam((await params).addressId, "ADDRESS_NOT_FOUND"));
  return new NextResponse(null, { status: 204 });
});
