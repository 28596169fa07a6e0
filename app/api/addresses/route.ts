import { NextResponse } from "next/server";
import { z } from "zod";
import { addressSchema, createAddress, listAddresses } from "@/lib/orders/addresses";
import { readJson, requireUser, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  const user = await requireUser(req);
  return NextResponse.json({ addresses: await listAddresses(user.id) });
});

const newAddress = z.object({ isDefault: z.boolean({ error: "isDefault must be true or false." }).optional() });

/** A new address; the first one, or one sent with `isDefault: true`, becomes the default. */
export const POST = route(async (req) => {
  const user = await requireUser(req);
  const body = await readJson(req, z.unknown());
  const input = addressSchema.parse(body);
  const { isDefault } = newAddress.parse(body);
  return NextResponse.json({ address: await createAddress(user.id, input, { isDefault }) }, { status: 201 });
});
