import { NextResponse } from "next/server";
import { parseWith, requireAdmin, route } from "@/lib/web/http";
import { emailListSchema, recentEmails } from "@/lib/mail/console";

export const dynamic = "force-dynamic";

/** Admin: the newest e-mails, `?state=failed` (or any state) for one state, `?limit=` 1-200 (50). */
export const GET = route(async (req) => {
  await requireAdmin(req);
  const q = req.nextUrl.searchParams;
  const filter = parseWith(emailListSchema, { state: q.get("state") || undefined, limit: q.get("limit") || undefined });
  return NextResponse.json({ emails: await recentEmails(filter) }, { headers: { "Cache-Control": "no-store" } });
});
