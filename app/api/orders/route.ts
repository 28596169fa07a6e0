import { NextResponse } from "next/server";
import { optionalUser, parseWith, readJson, requireUser, route } from "@/lib/web/http";
import { AppError } from "@/lib/errors";
import { GUEST_COOKIE, validGuestId } from "@/lib/cart/guest";
import { placeOrder } from "@/lib/orders/checkout";
import { placeGuestOrder } from "@/lib/orders/guests";
import { listOrders } from "@/lib/orders/queries";
import { guestOrderSchema, idempotencyKeySchema, placeOrderSchema } from "@/lib/orders/schemas";
import { QUEUE_PASS_HEADER, queuePassesOf } from "@/lib/web/queue-pass";

export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  const user = await requireUser(req);
  return NextResponse.json({ orders: await listOrders(user.id) });
});

/**
 * Signed in: `{ addressId, payMethod }` buys the user's cart. Not signed in: the guest cart cookie's
 * cart, with `{ email, address, payMethod }`; the answer adds `orderUrl`, the order's signed link.
 * A waiting room's SKU needs its pass: the `X-Queue-Pass` header or the `sr_qp_<skuId>` cookie.
 */
export const POST = route(async (req) => {
  const user = await optionalUser(req);
  const header = req.headers.get("idempotency-key");
  if (!header) throw new AppError("IDEMPOTENCY_KEY_REQUIRED");
  const idempotencyKey = parseWith(idempotencyKeySchema, header);
  if (user) {
    const input = await readJson(req, placeOrderSchema);
    const queuePasses = queuePassesOf(req.headers.get(QUEUE_PASS_HEADER), req.cookies.getAll());
    const { order, created } = await placeOrder({ ...input, userId: user.id, idempotencyKey, queuePasses });
    return NextResponse.json({ order }, { status: created ? 201 : 200 });
  }
  const guestId = req.cookies.get(GUEST_COOKIE)?.value;
  // No session and no guest cart: the old answer, so a signed-out client knows to log in or fill a cart.
  if (!validGuestId(guestId)) throw new AppError("UNAUTHENTICATED");
  const input = await readJson(req, guestOrderSchema);
  const { order, created, orderUrl } = await placeGuestOrder(guestId, { ...input, idempotencyKey });
  return NextResponse.json({ order, orderUrl }, { status: created ? 201 : 200 });
});
