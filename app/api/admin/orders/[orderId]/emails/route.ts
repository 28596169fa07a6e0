import { NextResponse } from "next/server";
import { requireAdmin, route } from "@/lib/web/http";
import { emailsOfOrder } from "@/lib/mail/console";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ orderId: string }> };

/** Admin: every e-mail of one order, oldest first, with its state. */
export const GET = route<Ctx>(async (req, { params }) => {
  await requireAdmin(req);
  return NextResponse.json({ emails: await emailsOfOrder((await params).orderId) }, { headers: { "Cache-Control": "no-store" } });
});
