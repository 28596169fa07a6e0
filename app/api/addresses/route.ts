import { NextResponse } from "next/server";
import { addressSchema, createAddress, listAddresses } from "@/lib/orders/addresses";
import { readJson, requireUser, route } from "@/lib/web/http";

export const GET = route(async (req) => {
  const user = await requireUser(req);
  return NextResponse.json({ addresses: await listAddresses(user.id) });
});

export const POST = route(async (req) => {
  const user = await requireUser(req);
  const input = await readJson(req, addressSchema);
  return NextResponse.json({ address: await createAddress(user.id, input) }, { status: 201 });
});
