import { NextResponse } from "next/server";
import { idParam, requireAdmin, route } from "@/lib/web/http";
import { resendEmail } from "@/lib/mail/console";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

/** Admin: send an e-mail again, as a new outbox row (201 with it). */
export const POST = route<Ctx>(async (req, { params }) => {
  await requireAdmin(req);
  return NextResponse.json({ email: await resendEmail(idParam((await params).id, "EMAIL_NOT_FOUND")) }, { status: 201 });
});
