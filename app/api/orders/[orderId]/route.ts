import { NextResponse } from "next/server";
import { requireUser, route } from "@/lib/web/http";
import { getOrder } from "@/lib/orders/queries";

type Ctx = { params: Promise<{ orderId: string }> };

export const GET = route<Ctx>(async (req, { params }) => {
  const user = await requireUser(req);
  return NextResponse.json({ order: await getOrder(user.id, (await params).orderId) });
});
