import { NextResponse } from "next/server";
import { logOut } from "@/lib/auth/service";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { WHO_COOKIE } from "@/lib/auth/who";
import { route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

export const POST = route(async (req) => {
  await logOut(req.cookies.get(SESSION_COOKIE)?.value);
  const res = new NextResponse(null, { status: 204 });
  res.cookies.delete(SESSION_COOKIE);
  res.cookies.delete(WHO_COOKIE);
  return res;
});
