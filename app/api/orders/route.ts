import { NextResponse } from "next/server";
import { parseWith, readJson, requireUser, route } from "@/lib/web/http";
import { AppError } from "@/lib/errors";
import { placeOrder } from "@/lib/orders/checkout";
import { listOrders } from "@/lib/orders/queries";
import { idempotencyKeySchema, placeOrderSchema } from "@/lib/orders/schemas";

export const GET = route(async (req) => {
  const user = await requireUser(req);
  return NextResponse.json({ orders: await listOrders(user.id) });
});

export const POST = route(async (req) => {
  const user = await requireUser(req);
  const header = req.headers.get("idempotency-key");
  if (!header) throw new AppError("IDEMPOTENCY_KEY_REQUIRED");
  const idempotencyKey = parseWith(idempotencyKeySchema, header);
  const input = await readJson(req, placeOrderSchema);
  const { order, created } = await placeOrder({ ...input, userId: user.id, idempotencyKey });
  return NextResponse.json({ order }, { status: created ? 201 : 200 });
});
